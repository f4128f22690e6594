"""Health check of the web container: the home page answers 200 over the loopback.

Sends the first entry of ALLOWED_HOSTS as Host and ``X-Forwarded-Proto: https`` (what the TLS
proxy sends), so that neither the host check nor the HTTPS redirect gets in the way.
Exit 0 when healthy, 1 otherwise. HEALTHCHECK_URL overrides the address (tests).
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/")
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((host for host in hosts if host and "*" not in host and not host.startswith(".")), None)
    headers = {"X-Forwarded-Proto": "https"}
    if host:
        headers["Host"] = host
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - fixed local http URL
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            status = response.status
    except (urllib.error.URLError, OSError) as error:
        print(f"injoignable : {error}")
        return 1
    print(f"HTTP {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
