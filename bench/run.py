"""`make bench`: placeholder until the statistics issue lands.

It will measure, on PostgreSQL (DATABASE_URL) with 2 cores, the targets of DESIGN.md
"Targets" and write the figures to docs/performance.md. For now it prints the plan and
exits 0 so that the target exists and CI scripts can call it.
"""

import sys

PLAN = [
    "page de statistiques, périmètre national, 12 mois, 10 M de CRA : p95 < 300 ms à chaud",
    "page de statistiques, périmètre départemental : p95 < 100 ms",
    "statistiques comparées à un GROUP BY SQL écrit à la main : ≤ 1,5 × son temps",
    "export CSV de 1 M de CRA : en flux, ≥ 100 000 lignes/s, premier octet < 1 s, mémoire < 200 Mo",
    "import de 10 000 structures ou candidats : < 15 s, tout ou rien",
]


def main() -> int:
    print("make bench : mesures prévues (pas encore implémentées, livrées avec les statistiques) :")
    for line in PLAN:
        print(f"  - {line}")
    print("Résultats attendus dans docs/performance.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
