"""The registry: reads ``sfc.blueprints`` into a :class:`Catalog` and writes new records.

Every role runs one. A background task keeps reading the topic, so every role sees new
versions without restarting. A writer waits until its own record has been read back,
which tells it the version number the log gave it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from typing import Final

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from sfc.core.blueprint import Blueprint, compile_blueprint
from sfc.core.blueprint.tasks import (
    InvalidTaskDefinitionError,
    apply_task_definitions,
    task_references,
    validate_task_definition,
)
from sfc.core.types import Json
from sfc.core.validation import InvalidBlueprintError, validate
from sfc.errors import InputError, NotFoundError, UnavailableError
from sfc.kafka import Topics, make_consumer, make_producer
from sfc.kafka.records import ENCODER
from sfc.registry.catalog import Catalog
from sfc.registry.records import (
    DECODER,
    BlueprintDeployed,
    BlueprintStatus,
    BlueprintVersion,
    RegistryRecord,
    RegistrySync,
    TaskDefinitionDeployed,
    TaskDefinitionVersion,
)
from sfc.settings import KafkaSettings

log = logging.getLogger(__name__)

NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}\Z")
"""Blueprint and task names: they also name Kafka topics of specific pools."""


class Registry:
    """The registry as one role sees it.

    Args:
        settings: Where the broker is.
        producer: A started producer to share; the registry makes its own otherwise.
    """

    def __init__(self, settings: KafkaSettings, producer: AIOKafkaProducer | None = None) -> None:
        self.catalog = Catalog()
        self._settings = settings
        self._topic = Topics.from_settings(settings).blueprints
        self._producer = producer
        self._own_producer = producer is None
        self._consumer = make_consumer(settings)
        self._reader: asyncio.Task[None] | None = None
        self._position = -1
        self._advanced = asyncio.Event()

    async def start(self) -> None:
        """Start reading the registry topic from its beginning, and read it all."""
        if self._producer is None:
            self._producer = make_producer(self._settings)
            await self._producer.start()
        await self._consumer.start()
        partition = TopicPartition(self._topic, 0)
        self._consumer.assign([partition])
        await self._consumer.seek_to_beginning(partition)
        self._reader = asyncio.create_task(self._read(), name="registry-reader")
        await self.sync()

    async def stop(self) -> None:
        """Stop reading."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._consumer.stop()
        if self._own_producer and self._producer is not None:
            await self._producer.stop()

    async def _read(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=500, max_records=1000)
            except KafkaError as exc:
                log.warning("registry read failed (%s); retrying", exc)
                await asyncio.sleep(0.5)
                continue
            for records in batches.values():
                for record in records:
                    self._apply(record.value)
                    self._position = record.offset
            if batches:
                self._advanced.set()
                self._advanced = asyncio.Event()

    def _apply(self, value: bytes | None) -> None:
        if value is None:
            return
        try:
            self.catalog.apply(DECODER.decode(value))
        except ValueError as exc:
            log.warning("skipping an unreadable registry record: %s", exc)

    async def _append(self, record: RegistryRecord, key: str) -> None:
        assert self._producer is not None, "start() the registry first"
        try:
            sent = await self._producer.send_and_wait(
                self._topic, ENCODER.encode(record), key=key.encode(), partition=0
            )
        except KafkaError as exc:
            raise UnavailableError(f"cannot write to the registry: {exc}") from exc
        await self._read_past(sent.offset)

    async def _read_past(self, offset: int, patience: float = 15.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while self._position < offset:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise UnavailableError("the registry topic could not be read back in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), remaining)

    async def sync(self) -> None:
        """Wait until everything written to the registry before now has been read."""
        await self._append(RegistrySync(uuid.uuid4().hex), "sync")

    async def deploy(
        self, name: str, definition: Json, comment: str | None = None
    ) -> BlueprintVersion:
        """Validate a definition and store it as the blueprint's next version.

        Each unversioned ``task:`` resource is pinned to the latest version of its task
        definition, if there is one (see :mod:`sfc.core.blueprint.tasks`).

        Raises:
            InputError: The name is not a valid blueprint name.
            InvalidBlueprintError: The definition is invalid.
            UnavailableError: The broker cannot be reached.
        """
        _check_name(name, "blueprint")
        problems = validate(definition)
        if problems:
            raise InvalidBlueprintError(problems)
        pins = self._pin_tasks(definition)
        # What validates may still use what SFC cannot run: compile now, refuse it now.
        compile_blueprint(
            apply_task_definitions(definition, pins, self.catalog.task_definition), name
        )
        deploy_id = uuid.uuid4().hex
        record = BlueprintDeployed(deploy_id, name, definition, time.time(), comment, pins)
        await self._append(record, f"{name}:{deploy_id}")
        version = self.catalog.version_of_deploy(deploy_id, name)
        found = self.catalog.version(name, version) if version else None
        assert found is not None, "a deploy that was read back has a version"
        log.info("deployed blueprint %s version %d", name, found.version)
        return found

    def _pin_tasks(self, definition: Json) -> dict[str, int]:
        """The task-definition version each unversioned ``task:`` resource will use."""
        pins: dict[str, int] = {}
        for task, version in task_references(definition):
            if version is not None:
                if self.catalog.task(task, version) is None:
                    raise InputError(
                        f"task definition {task!r} has no version {version}", field="definition"
                    )
            elif (latest := self.catalog.task(task)) is not None:
                pins[task] = latest.version
        return pins

    async def set_enabled(self, name: str, enabled: bool) -> None:
        """Enable or disable new flows of a blueprint.

        Raises:
            NotFoundError: There is no such blueprint.
        """
        if not self.catalog.versions(name):
            raise NotFoundError(f"no blueprint named {name!r}")
        await self._append(BlueprintStatus(name, enabled, time.time()), f"{name}:status")

    async def deploy_task(self, name: str, definition: Json) -> TaskDefinitionVersion:
        """Store a task definition's next version.

        Raises:
            InputError: The name is invalid.
            InvalidTaskDefinitionError: The definition is invalid.
        """
        _check_name(name, "task")
        problems = validate_task_definition(definition)
        if problems:
            raise InvalidTaskDefinitionError(problems)
        deploy_id = uuid.uuid4().hex
        record = TaskDefinitionDeployed(deploy_id, name, definition, time.time())
        await self._append(record, f"task:{name}:{deploy_id}")
        found = self.catalog.task(name)
        assert found is not None
        return found

    async def blueprint(
        self, name: str, version: int | None = None, patience: float = 0.0
    ) -> Blueprint | None:
        """A compiled blueprint version, waiting up to ``patience`` seconds for it to appear.

        Raises:
            InvalidBlueprintError: The stored definition is invalid (written by another
                tool than SFC's deploy).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while True:
            found = self.catalog.blueprint(name, version)
            remaining = deadline - loop.time()
            if found is not None or remaining <= 0:
                return found
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), remaining)


def _check_name(name: str, kind: str) -> None:
    if not isinstance(name, str) or not NAME.match(name):
        raise InputError(
            f"{kind} name {name!r} must be 1-128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="name",
        )
