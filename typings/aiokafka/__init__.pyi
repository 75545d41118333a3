# Minimal type stubs for the parts of aiokafka that SFC uses (aiokafka ships no py.typed).
from aiokafka.abc import ConsumerRebalanceListener as ConsumerRebalanceListener
from aiokafka.consumer import AIOKafkaConsumer as AIOKafkaConsumer
from aiokafka.producer import AIOKafkaProducer as AIOKafkaProducer
from aiokafka.structs import ConsumerRecord as ConsumerRecord
from aiokafka.structs import RecordMetadata as RecordMetadata
from aiokafka.structs import TopicPartition as TopicPartition

__version__: str
