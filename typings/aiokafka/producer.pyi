import asyncio
from collections.abc import Sequence

from aiokafka.structs import RecordMetadata

class AIOKafkaProducer:
    def __init__(
        self,
        *,
        bootstrap_servers: str | list[str] = ...,
        client_id: str | None = ...,
        acks: int | str = ...,
        linger_ms: int = ...,
        max_batch_size: int = ...,
        max_request_size: int = ...,
        request_timeout_ms: int = ...,
        retry_backoff_ms: int = ...,
        metadata_max_age_ms: int = ...,
        enable_idempotence: bool = ...,
        compression_type: str | None = ...,
        connections_max_idle_ms: int = ...,
    ) -> None: ...
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def flush(self) -> None: ...
    async def send(
        self,
        topic: str,
        value: bytes | None = ...,
        key: bytes | None = ...,
        partition: int | None = ...,
        timestamp_ms: int | None = ...,
        headers: Sequence[tuple[str, bytes]] | None = ...,
    ) -> asyncio.Future[RecordMetadata]: ...
    async def send_and_wait(
        self,
        topic: str,
        value: bytes | None = ...,
        key: bytes | None = ...,
        partition: int | None = ...,
        timestamp_ms: int | None = ...,
        headers: Sequence[tuple[str, bytes]] | None = ...,
    ) -> RecordMetadata: ...
    async def partitions_for(self, topic: str) -> set[int]: ...
