"""`make load`: placeholder for the CRA filing load test (statistics/CRA issue).

It will drive 50 concurrent users filing CRAs against a running server on the loopback and
check ≥ 200 CRA/s, p95 < 150 ms and zero errors (DESIGN.md "Targets"). For now it prints the
plan and exits 0.
"""

import sys


def main() -> int:
    print("make load : test de charge prévu (pas encore implémenté) :")
    print(
        "  - saisie de CRA, 50 utilisateurs simultanés en boucle locale : ≥ 200 CRA/s, p95 < 150 ms, 0 erreur"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
