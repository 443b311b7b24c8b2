"""Generated census-style tables for the risk benchmarks and tests: 8 quasi-identifiers with 3-6 level hierarchies.

Shaped like the two tables of issue 17 (never seen by the project's tuning): a 100 k-row table where about
half the people are sample-unique, and a 63,441-row table where every row is unique. Each call writes the
table, one ``;``-delimited ARX-style hierarchy file per quasi-identifier and a policy into a folder; the
values are drawn from skewed (Zipf-like) distributions by a seeded generator, so a figure measured on a
table can be reproduced exactly.

    python bench/census_tables.py OUT_DIR [--rows 100000] [--unique] [--seed 7]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import yaml

ROOT = Path(__file__).resolve().parents[1]

POPULATION = 317_238_626  # the US population ARX's examples use


@dataclass(frozen=True)
class Column:
    """A quasi-identifier: its leaves and, per level above 0, each leaf's label (a list per level)."""

    name: str
    leaves: list[str]
    levels: list[list[str]]

    def rows(self) -> list[list[str]]:
        """The hierarchy table: one row per leaf, one column per level, ``*`` last."""
        return [[leaf, *(level[i] for level in self.levels), "*"] for i, leaf in enumerate(self.leaves)]


def _groups(count: int, group: int, prefix: str) -> list[str]:
    return [f"{prefix}{i // group}" for i in range(count)]


def columns(zip_codes: int) -> list[Column]:
    """The eight quasi-identifiers (heights 3 to 6); ``zip_codes`` sets the size of the finest domain."""
    ages = [str(a) for a in range(17, 91)]
    age = Column(
        "age",
        ages,
        [
            [f"{(int(a) // 5) * 5}-{(int(a) // 5) * 5 + 4}" for a in ages],
            [f"{(int(a) // 10) * 10}-{(int(a) // 10) * 10 + 9}" for a in ages],
            [f"{(int(a) // 20) * 20}-{(int(a) // 20) * 20 + 19}" for a in ages],
        ],
    )
    zips = [f"{z:05d}" for z in range(10_000, 10_000 + zip_codes)]
    zip_ = Column("zip", zips, [[z[:k] + "*" * (5 - k) for z in zips] for k in (4, 3, 2, 1)])

    def flat(name: str, count: int, *sizes: int) -> Column:
        leaves = [f"{name[:3]}-{i:02d}" for i in range(count)]
        return Column(name, leaves, [_groups(count, size, f"{name[:3]}-g{size}-") for size in sizes])

    return [
        age,
        zip_,
        flat("race", 5, 3),
        flat("marital-status", 7, 3),
        flat("education", 16, 3, 6),
        flat("native-country", 41, 5, 15),
        flat("workclass", 8, 3),
        flat("occupation", 14, 4),
    ]


#: Zipf exponents per column: at 100 k rows about half the people are sample-unique, as in issue 17's table.
EXPONENTS = {
    "age": 0.3,
    "zip": 1.5,
    "race": 3.75,
    "marital-status": 2.25,
    "education": 1.8,
    "native-country": 3.75,
    "workclass": 3.0,
    "occupation": 1.5,
}


def _skewed(rng: np.random.Generator, count: int, size: int, exponent: float) -> np.ndarray:
    """``size`` draws from ``count`` values with Zipf-like weights in a shuffled order."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    order = rng.permutation(count)
    return order[rng.choice(count, size=size, p=weights / weights.sum())]


def generate(rows: int, *, unique: bool = False, seed: int = 7) -> tuple[pl.DataFrame, list[Column]]:
    """The table (QIs and a sensitive ``salary-class``) and its columns' hierarchies.

    ``unique=True`` draws until ``rows`` distinct QI combinations exist and keeps exactly those, so every
    row is sample-unique.
    """
    rng = np.random.default_rng(seed)
    cols = columns(100_000 if unique else 200)
    exponents = dict(EXPONENTS, zip=0.3) if unique else EXPONENTS
    draw = int(rows * 1.4) if unique else rows
    codes = {c.name: _skewed(rng, len(c.leaves), draw, exponents[c.name]) for c in cols}
    frame = pl.DataFrame({c.name: np.asarray(c.leaves)[codes[c.name]] for c in cols})
    if unique:
        frame = frame.unique(maintain_order=True)
        if frame.height < rows:
            raise ValueError(f"drew only {frame.height} distinct rows; raise the draw factor")
        frame = frame.head(rows)
    salary = np.where(rng.random(frame.height) < 0.25, ">50K", "<=50K")
    return frame.with_columns(pl.Series("salary-class", salary)), cols


def policy_document(
    cols: list[Column], folder: Path, *, k: int = 5, limit: float = 0.01
) -> dict[str, object]:
    """The policy of a generated table: every QI searched over its hierarchy file in ``folder``."""
    document = yaml.safe_load((ROOT / "policies" / "examples" / "adult.yaml").read_text())
    columns_: dict[str, object] = {
        c.name: {
            "role": "quasi",
            "action": "generalize",
            "hierarchy": str(folder / f"hierarchy_{c.name}.csv"),
            "intervals": None,
            "prefixes": None,
            "level": "search",
            "reason": "generated census-style quasi-identifier",
        }
        for c in cols
    }
    columns_["salary-class"] = {"role": "sensitive", "action": "keep", "reason": "what the data is for"}
    document["name"] = "census"
    document["tables"] = {"census": {"person_key": None, "columns": columns_}}
    document["risk"].update({"k": k, "suppression_limit": limit, "population": POPULATION})
    return document


def write(folder: Path, rows: int, *, unique: bool = False, seed: int = 7) -> tuple[Path, Path]:
    """Write ``census.csv``, its hierarchy files and ``census.yaml`` into ``folder``; return (table, policy)."""
    folder.mkdir(parents=True, exist_ok=True)
    frame, cols = generate(rows, unique=unique, seed=seed)
    table = folder / "census.csv"
    frame.write_csv(table, separator=";")
    for c in cols:
        text = "\n".join(";".join(row) for row in c.rows()) + "\n"
        (folder / f"hierarchy_{c.name}.csv").write_text(text)
    policy = folder / "census.yaml"
    policy.write_text(yaml.safe_dump(policy_document(cols, folder.resolve()), sort_keys=False))
    return table, policy


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--unique", action="store_true", help="every row unique on the quasi-identifiers")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    table, policy = write(args.folder, args.rows, unique=args.unique, seed=args.seed)
    print(f"wrote {table} and {policy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
