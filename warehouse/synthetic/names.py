"""Chinese names and identity numbers, drawn in bulk."""

from __future__ import annotations

import numpy as np
import polars as pl

from warehouse.synthetic import reference as ref

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"))


def person_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Surname + one or two given-name characters."""
    n = male.size
    surname = np.array(ref.SURNAMES)[rng.integers(0, len(ref.SURNAMES), n)]
    pools = (np.array(ref.FEMALE_GIVEN), np.array(ref.MALE_GIVEN))
    given = [
        np.where(
            male, pools[1][rng.integers(0, len(pools[1]), n)], pools[0][rng.integers(0, len(pools[0]), n)]
        )
        for _ in range(2)
    ]
    two = rng.random(n) < 0.7
    return np.char.add(np.char.add(surname, given[0]), np.where(two, given[1], ""))


def institution_names(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    words = np.array(ref.INSTITUTION_WORDS)[rng.integers(0, len(ref.INSTITUTION_WORDS), city.size)]
    kinds = np.array(ref.INSTITUTION_KINDS)[rng.integers(0, len(ref.INSTITUTION_KINDS), city.size)]
    return np.char.add(np.char.add(city.astype(str), words), kinds)


def resident_ids(
    region: np.ndarray, birth: np.ndarray, male: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    """18-digit resident identity numbers (身份证): region, birth date YYYYMMDD, sequence (odd = male) and a
    valid ISO 7064 check digit."""
    seq = rng.integers(0, 500, region.size) * 2 + male
    body = (region.astype(np.int64) * 100_000_000 + birth) * 1000 + seq
    raw = body[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64) % 10
    check = ID_CHECK[(raw * ID_WEIGHTS).sum(axis=1) % 11]
    return pl.Series(body).cast(pl.String).str.zfill(17) + pl.Series(check)


def mobiles(rng: np.random.Generator, n: int) -> pl.Series:
    prefix = np.array(ref.MOBILE_PREFIXES)[rng.integers(0, len(ref.MOBILE_PREFIXES), n)]
    return pl.Series(prefix * 100_000_000 + rng.integers(0, 100_000_000, n)).cast(pl.String)
