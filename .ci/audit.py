"""pip-audit over the installed (locked) set: fail on a known vulnerability, and say
plainly when the vulnerability database could not be reached, rather than pass silently.

CI here installs from a package mirror with no route to PyPI's JSON API or OSV, so every
package is then reported as not audited; a council's CI with internet access gets a
real answer. Run with `make audit`.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--format",
            "json",
            "--skip-editable",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(result.stdout or "{}")
    except ValueError:
        print(f"pip-audit did not run: {result.stderr.strip().splitlines()[-1:]}")
        return 0 if "connect" in result.stderr.lower() else 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} packages with known vulnerabilities")
        return 1
    if not audited:
        print(
            f"pip-audit: the vulnerability database could not be reached from here, so none "
            f"of the {len(dependencies)} packages was audited (run `make audit` with "
            f"internet access)"
        )
        return 0
    print(f"pip-audit: no known vulnerabilities in {len(audited)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
