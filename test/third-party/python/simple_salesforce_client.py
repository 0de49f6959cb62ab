"""Drives unmodified simple-salesforce against the emulator for test/third-party/simple-salesforce.server.test.ts.

Usage: python simple_salesforce_client.py <command> <args...>

  v1-insert   <records.json> <results.json>   sf.bulk.Contact.insert(records)
  v1-query    <soql> <rows.json>              sf.bulk.Contact.query(soql)
  v2-insert   <records.csv>                   sf.bulk2.Contact.insert(csv_file=...)
  v2-query    <soql> <out-dir>                sf.bulk2.Contact.query(soql), one file per page
  v2-download <soql> <out-dir>                sf.bulk2.Contact.download(soql, path=out-dir)
  failures    <records.json>                  rows Salesforce rejects, and a batch with an unknown field

The session comes from SF_SESSION_ID and SF_INSTANCE_URL (simple-salesforce's own login URLs are fixed to
salesforce.com); requests trusts the emulator's certificate through REQUESTS_CA_BUNDLE. The last line on
stdout is a JSON summary the node test reads; record data goes through files.
"""

import json
import os
import sys
import time

from simple_salesforce import Salesforce
from simple_salesforce.__version__ import __version__


def connect():
    return Salesforce(
        instance_url=os.environ["SF_INSTANCE_URL"],
        session_id=os.environ["SF_SESSION_ID"],
    )


def v1_insert(sf, records_path, results_path):
    with open(records_path, encoding="utf-8") as f:
        records = json.load(f)
    results = sf.bulk.Contact.insert(records)
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump(results, f)
    return {"submitted": len(records), "results": len(results)}


def v1_query(sf, soql, rows_path):
    rows = sf.bulk.Contact.query(soql, wait=1)
    with open(rows_path, "w", encoding="utf-8") as f:
        json.dump(rows, f)
    return {"rows": len(rows)}


def v2_insert(sf, csv_path):
    jobs = sf.bulk2.Contact.insert(csv_file=csv_path, wait=1)
    return {"jobs": jobs}


def v2_query(sf, soql, out_dir):
    files = []
    for number, page in enumerate(sf.bulk2.Contact.query(soql, wait=1)):
        name = os.path.join(out_dir, f"page-{number:03d}.csv")
        with open(name, "w", encoding="utf-8", newline="") as f:
            f.write(page)
        files.append(name)
    return {"files": files}


def v2_download(sf, soql, out_dir):
    pages = sf.bulk2.Contact.download(soql, path=out_dir, wait=1)
    return {"pages": pages}


def failures(sf, records_path):
    with open(records_path, encoding="utf-8") as f:
        records = json.load(f)
    v1_results = sf.bulk.Contact.insert(records)
    try:
        sf.bulk.Contact.insert([{"LastName": "x", "Not_A_Field__c": "y"}])
        unknown_field = None
    except Exception as error:  # the exception type and text are what the test checks
        unknown_field = {"type": type(error).__name__, "message": str(error)}
    [v2_job] = sf.bulk2.Contact.insert(records=records, wait=1)
    v2_failed = sf.bulk2.Contact.get_failed_records(v2_job["job_id"])
    return {"v1": v1_results, "v1_unknown_field": unknown_field, "v2_job": v2_job, "v2_failed": v2_failed}


COMMANDS = {
    "v1-insert": v1_insert,
    "v1-query": v1_query,
    "v2-insert": v2_insert,
    "v2-query": v2_query,
    "v2-download": v2_download,
    "failures": failures,
}


def main():
    command, *args = sys.argv[1:]
    started = time.monotonic()
    summary = COMMANDS[command](connect(), *args)
    summary["seconds"] = round(time.monotonic() - started, 2)
    summary["client"] = f"simple-salesforce {__version__}"
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
