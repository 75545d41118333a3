from collections.abc import Sequence

class NewTopic:
    name: str
    num_partitions: int
    replication_factor: int
    def __init__(
        self,
        name: str,
        num_partitions: int,
        replication_factor: int,
        replica_assignments: object | None = ...,
        topic_configs: dict[str, str] | None = ...,
    ) -> None: ...

class AIOKafkaAdminClient:
    def __init__(
        self,
        *,
        bootstrap_servers: str | list[str] = ...,
        client_id: str = ...,
        request_timeout_ms: int = ...,
    ) -> None: ...
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def create_topics(
        self,
        new_topics: Sequence[NewTopic],
        timeout_ms: int | None = ...,
        validate_only: bool = ...,
    ) -> object: ...
    async def list_topics(self) -> list[str]: ...
    async def describe_topics(self, topics: list[str] | None = ...) -> list[dict[str, object]]: ...
