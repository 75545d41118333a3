"""Shaping HTTP requests from a job's input, and results from responses (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from sfc.executor import CallError
from sfc.executor.http_request import HttpRequest, build_request, check_status, response_result

URL = "http://shop.test/items/{sku}/stock"


def invalid(url: str, data: Any) -> str:
    with pytest.raises(CallError) as caught:
        build_request(url, data)
    assert caught.value.error == "SFC.Http.InvalidInput"
    assert caught.value.retryable is False
    return caught.value.cause


def test_an_input_without_shaping_fields_is_the_body_of_a_post() -> None:
    request = build_request("http://shop.test/orders", {"sku": "A", "Quantity": 2})
    assert request.method == "POST"
    assert request.url == "http://shop.test/orders"
    assert request.body == b'{"sku":"A","Quantity":2}'
    assert request.headers == {"Accept": "application/json", "Content-Type": "application/json"}
    assert request.query == []


@pytest.mark.parametrize("data", [[1, 2], "text", 7, None])
def test_any_json_that_is_not_a_shaping_object_is_posted(data: Any) -> None:
    request = build_request("http://shop.test/orders", data)
    assert (request.method, request.body is not None) == ("POST", True)


def test_shaping_fields_build_the_request() -> None:
    request = build_request(
        URL,
        {
            "Method": "patch",
            "PathParameters": {"sku": "A/1 é"},
            "QueryParameters": {"tag": ["x", 2, None], "all": False, "skip": None},
            "Headers": {"X-Id": 5, "accept": "application/hal+json", "X-None": None},
            "RequestBody": {"n": 1},
        },
    )
    assert request.method == "PATCH"
    assert request.url == "http://shop.test/items/A%2F1%20%C3%A9/stock"
    assert request.query == [("tag", "x"), ("tag", "2"), ("all", "false")]
    assert request.headers == {
        "X-Id": "5",
        "accept": "application/hal+json",
        "Content-Type": "application/json",
    }
    assert request.body == b'{"n":1}'
    assert request.expects_json


def test_the_method_defaults_to_get_without_a_body_and_post_with_one() -> None:
    assert build_request(URL, {"PathParameters": {"sku": "A"}}).method == "GET"
    assert build_request(URL, {"PathParameters": {"sku": "A"}}).body is None
    assert build_request(URL, {"PathParameters": {"sku": "A"}, "RequestBody": None}).method == (
        "POST"
    )


def test_a_string_body_with_a_non_json_content_type_is_sent_as_is() -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    request = build_request("http://shop.test/form", {"RequestBody": "a=1&b=2", "Headers": form})
    assert request.body == b"a=1&b=2"
    json_string = build_request("http://shop.test/form", {"RequestBody": "a=1"})
    assert json_string.body == b'"a=1"'


PLAIN = "http://shop.test/items"


@pytest.mark.parametrize(
    ("url", "data", "says"),
    [
        (PLAIN, {"Method": "GET", "sku": "A"}, "also has sku"),
        (PLAIN, {"Method": "GET POST"}, "Method must be an HTTP method"),
        (PLAIN, {"Method": 3}, "Method must be an HTTP method"),
        (PLAIN, {"Headers": ["X-A"]}, "Headers must be an object"),
        (PLAIN, {"Headers": {"X-A": {"b": 1}}}, "Headers.X-A must be a string"),
        (PLAIN, {"Headers": {"X-A": "a\r\nX-Evil: 1"}}, "line break"),
        (PLAIN, {"QueryParameters": {"q": [[1]]}}, "QueryParameters.q must be a string"),
        (PLAIN, {"QueryParameters": "q=1"}, "QueryParameters must be an object"),
        (URL, {"PathParameters": {"sku": "A", "extra": 1}}, "extra have no {name}"),
        (URL, {"PathParameters": {"sku": [1]}}, "PathParameters.sku must be"),
        (URL, {"Method": "GET"}, "needs PathParameters sku"),
        (URL, {"sku": "A"}, "needs PathParameters sku"),
    ],
)
def test_inputs_that_cannot_make_a_request_say_why(url: str, data: Any, says: str) -> None:
    assert says in invalid(url, data)


def request_for(accept: str | None = None) -> HttpRequest:
    data = {"Method": "GET"} if accept is None else {"Headers": {"Accept": accept}}
    return build_request("http://shop.test/x", data)


def test_a_json_response_becomes_the_result() -> None:
    headers = [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    result = response_result(201, "Created", headers, b'{"id": 7}', request_for())
    assert result == {
        "StatusCode": 201,
        "StatusText": "Created",
        "Headers": {"Content-Type": "application/json", "Set-Cookie": "a=1, b=2"},
        "ResponseBody": {"id": 7},
    }


def test_json_without_a_content_type_is_parsed_and_an_empty_body_is_null() -> None:
    assert response_result(200, "OK", [], b"[1, 2]", request_for())["ResponseBody"] == [1, 2]
    assert response_result(204, "No Content", [], b"", request_for())["ResponseBody"] is None


@pytest.mark.parametrize(
    ("content_type", "body", "says"),
    [
        ("application/json; charset=utf-8", b"{oops", "not valid JSON"),
        ("application/problem+json", b"<html>", "not valid JSON"),
        ("text/html", b"<html>", "expected JSON, got text/html"),
        (None, b"plain words", "not valid JSON"),
    ],
)
def test_a_body_that_is_not_the_json_expected_is_an_invalid_response(
    content_type: str | None, body: bytes, says: str
) -> None:
    headers = [] if content_type is None else [("Content-Type", content_type)]
    with pytest.raises(CallError) as caught:
        response_result(200, "OK", headers, body, request_for())
    assert caught.value.error == "SFC.Http.InvalidResponse"
    assert caught.value.retryable is False
    assert says in caught.value.cause


def test_text_is_the_result_when_the_request_accepts_text() -> None:
    text = request_for("text/plain")
    assert not text.expects_json
    headers = [("Content-Type", "text/plain")]
    assert response_result(200, "OK", headers, b"hi", text)["ResponseBody"] == "hi"
    assert response_result(200, "OK", [], b"not json", text)["ResponseBody"] == "not json"


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        *[(301, False), (400, False), (401, False), (404, False), (408, True), (409, False)],
        *[(425, True), (429, True), (500, True), (501, False), (502, True), (503, True)],
        *[(504, True), (505, False)],
    ],
)
def test_statuses_other_than_2xx_fail_under_their_own_name(status: int, retryable: bool) -> None:
    with pytest.raises(CallError) as caught:
        check_status(status, "Reason", '{"e": 1}', request_for())
    assert caught.value.error == f"SFC.Http.{status}"
    assert caught.value.retryable is retryable
    assert caught.value.cause == '{"e": 1}'


def test_an_empty_error_body_is_replaced_by_a_sentence_and_2xx_passes() -> None:
    with pytest.raises(CallError) as caught:
        check_status(502, "Bad Gateway", "", request_for())
    assert caught.value.cause == "HTTP 502 Bad Gateway from GET http://shop.test/x"
    check_status(299, "Fine", "", request_for())
