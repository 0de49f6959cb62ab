#!/usr/bin/env node
// Installs a pinned S3-compatible server for the tests (moto's server mode) into a git-ignored
// project folder, from PyPI. Tests of s3:// inputs and S3 staging run against it on loopback, so
// they exercise the real AWS SDK over HTTP instead of a mocked client.
//
// Every package is pinned (moto and the whole set its `server` extra resolves to) and installed
// with --no-deps, so a new release of a transitive dependency cannot change what the tests run on.
//
// Idempotent: when the pinned set is already in place (stamp file, and `import moto.server`
// works), it does nothing and exits 0 quickly.
//
// Environment:
//   BULKFLOW_S3_SERVER_DIR  where to install (default: <project>/.tools/s3-server)
//   PYTHON                  the Python interpreter whose pip to use (default: python3)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPinned } from './pip-target.mjs';

export const MOTO_VERSION = '5.2.5';

// moto[server]==5.2.5 and what it resolved to on Python 3.11 (pure-Python or manylinux wheels).
const DEPENDENCIES = [
  'annotated-types==0.8.0',
  'antlr4-python3-runtime==4.13.2',
  'attrs==26.1.0',
  'aws-xray-sdk==2.15.0',
  'blinker==1.9.0',
  'boto3==1.44.5',
  'botocore==1.44.5',
  'certifi==2026.10.18',
  'cffi==2.1.1',
  'cfn-lint==1.58.0',
  'charset-normalizer==3.5.2',
  'click==8.5.1',
  'cryptography==50.0.2',
  'docker==7.2.0',
  'flask==3.1.3',
  'flask-cors==6.0.5',
  'graphql-core==3.3.2',
  'idna==3.20',
  'itsdangerous==2.2.0',
  'jinja2==3.1.6',
  'jmespath==1.1.0',
  'joserfc==1.8.0',
  'jsonpatch==1.47',
  'jsonpath-ng==1.16.0',
  'jsonpointer==3.12',
  'jsonschema==4.26.0',
  'jsonschema-path==0.5.0',
  'jsonschema-specifications==2025.9.1',
  'lazy-object-proxy==1.13.0',
  'markupsafe==3.0.4',
  'mpmath==1.3.0',
  'networkx==3.6.1',
  'openapi-schema-validator==0.9.0',
  'openapi-spec-validator==0.9.0',
  'pathable==0.6.0',
  'py-partiql-parser==0.6.3',
  'pycparser==3.12',
  'pydantic==2.14.3',
  'pydantic-core==2.50.4',
  'pydantic-settings==2.16.3',
  'pyparsing==3.3.3',
  'python-dateutil==2.9.0.post0',
  'python-dotenv==1.2.4',
  'pyyaml==6.0.3',
  'referencing==0.37.0',
  'regex==2026.11.15',
  'requests==2.34.2',
  'responses==0.26.3',
  'rfc3339-validator==0.1.4',
  'rpds-py==2026.9.1',
  's3transfer==0.19.3',
  'six==1.17.0',
  'sympy==1.14.0',
  'typing-extensions==4.16.0',
  'typing-inspection==0.4.5',
  'urllib3==2.8.0',
  'werkzeug==3.1.9',
  'wrapt==2.5.2',
  'xmltodict==1.0.4',
];

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = path.resolve(process.env.BULKFLOW_S3_SERVER_DIR ?? path.join(projectRoot, '.tools', 's3-server'));
const python = process.env.PYTHON ?? 'python3';
const specs = [`moto[server]==${MOTO_VERSION}`, ...DEPENDENCIES];

function importWorks() {
  const r = spawnSync(python, ['-c', 'import moto.server'], {
    env: { ...process.env, PYTHONPATH: targetDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return r.status === 0;
}

installPinned({
  label: 'install-s3-server',
  targetDir,
  python,
  specs,
  summary: `moto[server]==${MOTO_VERSION} and ${DEPENDENCIES.length} pinned dependencies`,
  works: importWorks,
});
