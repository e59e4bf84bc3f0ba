"""How a Superset process reads the serving file: kept open between queries, its cached results keyed
by the published version. Loaded by superset_config.py (this folder is put on Superset's sys.path).

Superset opens a new database connection for every query and closes it after (SQLAlchemy NullPool).
DuckDB shares one database instance among the open connections of a process to a file, and drops it,
with its buffer cache, when the last one closes: so every chart query paid for opening the file
(16-30 ms on `demo`) and read its blocks cold (a client's holdings statement: 520 ms cold, 210 ms
warm). `ServingConnection` keeps one idle connection open per process, so queries share a warm
instance.

The publish step swaps a new file in under the same name (a new inode). An instance keeps reading the
file it opened, so when the file changes the idle connection is replaced, once no query of the process
still holds the old instance (otherwise the next connection would join the old one): from then on
every query reads the new file.

Cached chart results (`DATA_CACHE_CONFIG`) would likewise outlive a publish for their whole timeout.
`versioned_cache` adds the serving file's version (inode and modification time) to every key: a
publish makes every earlier result unreachable at once.
Superset also creates a new SQLAlchemy engine (and so a new dialect) several times for every chart
query, and duckdb_engine's dialect asks DuckDB for its reserved words each time it is created (a new
connection and a query, about a dozen per chart query): `reuse_duckdb_reserved_words` asks once per
process.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import duckdb_engine
from flask_caching.backends.filesystemcache import FileSystemCache
from flask_caching.backends.simplecache import SimpleCache
from sqlalchemy.dialects.postgresql.base import PGIdentifierPreparer


def file_version(path: str) -> str:
    """The published version of a file: its inode and modification time ('' while it is missing)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return ""
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


class ServingConnection:
    """ENGINE_CONTEXT_MANAGER: around every use of a DuckDB database's engine, keep one idle connection
    to its file open (reopened when the file is replaced)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._in_use = 0  # engine uses in progress in this process, every thread
        self._mine = threading.local()  # this thread's (an engine use may nest another)
        self._version = ""
        self._connection: Any = None

    @contextmanager
    def __call__(self, database: Any, catalog: str | None, schema: str | None) -> Iterator[None]:
        if database.backend != "duckdb":
            yield
            return
        nested = getattr(self._mine, "depth", 0)
        with self._changed:
            version = file_version(database.url_object.database)
            # a nested use keeps its outer use's instance; an outer one waits until no thread holds a
            # connection to the old instance (none of them waits for another: no deadlock)
            if version != self._version and not nested:
                self._changed.wait_for(lambda: self._in_use == 0)
                if version != self._version:  # not already done by a thread that waited too
                    self._reopen(database, version)
            self._in_use += 1
        self._mine.depth = nested + 1
        try:
            yield
        finally:
            self._mine.depth = nested
            with self._changed:
                self._in_use -= 1
                self._changed.notify_all()

    def _reopen(self, database: Any, version: str) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if version:  # the same engine settings as every query's, so they share the instance
            engine = database._get_sqla_engine(nullpool=True)  # noqa: SLF001 (the context manager's own)
            self._connection = engine.raw_connection()
        self._version = version  # only once open: a failed open is tried again by the next query


class VersionedCache:
    """A flask-caching backend whose keys carry the serving file's version (the inner backend keeps
    its own keys for its bookkeeping)."""

    def __init__(self, inner: Any, serving_file: str) -> None:
        self._inner = inner
        self._serving_file = serving_file

    def _versioned(self, key: str) -> str:
        return f"{file_version(self._serving_file)}:{key}"

    def get(self, key: str) -> Any:
        return self._inner.get(self._versioned(key))

    def has(self, key: str) -> bool:
        return self._inner.has(self._versioned(key))

    def set(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._inner.set(self._versioned(key), value, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> Any:
        return self._inner.add(self._versioned(key), value, timeout)

    def delete(self, key: str) -> bool:
        return self._inner.delete(self._versioned(key))

    def get_many(self, *keys: str) -> list[Any]:
        return [self.get(key) for key in keys]

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        return [key for key, value in mapping.items() if self.set(key, value, timeout)]

    def delete_many(self, *keys: str) -> list[str]:
        return [key for key in keys if self.delete(key)]

    def __getattr__(self, name: str) -> Any:  # clear() and the rest: the inner backend's
        return getattr(self._inner, name)


def versioned_cache(app: Any, config: dict, args: list, kwargs: dict) -> VersionedCache:
    """A CACHE_TYPE: the backend named by CACHE_OPTIONS `backend` (FileSystemCache or SimpleCache),
    keyed by the version of the file CACHE_OPTIONS `serving_file`."""
    serving_file = kwargs.pop("serving_file")
    backend = {"FileSystemCache": FileSystemCache, "SimpleCache": SimpleCache}[kwargs.pop("backend")]
    return VersionedCache(backend.factory(app, config, args, kwargs), serving_file)


@functools.cache
def reserved_words() -> frozenset[str]:
    """The words duckdb_engine's identifier preparer quotes: PostgreSQL's (the preparer it extends) and
    DuckDB's reserved keywords, asked once."""
    with duckdb.connect() as con:
        rows = con.sql("select keyword_name from duckdb_keywords() where keyword_category = 'reserved'")
        return frozenset(PGIdentifierPreparer.reserved_words) | {name for (name,) in rows.fetchall()}


def _preparer_init(self: Any, dialect: Any, **kwargs: Any) -> None:
    PGIdentifierPreparer.__init__(self, dialect, **kwargs)
    self.reserved_words = reserved_words()  # its own: PostgreSQL's set is left as it is


def reuse_duckdb_reserved_words() -> None:
    """Make duckdb_engine's identifier preparer take its reserved words from `reserved_words` (the same
    words, asked once per process). duckdb_engine's own adds DuckDB's to PostgreSQL's set in place."""
    duckdb_engine.DuckDBIdentifierPreparer.__init__ = _preparer_init
