"""Events over HTTP: the common life of every resource (list, create, read with ETag,
change with If-Match, soft delete, restore)."""

from __future__ import annotations

from tests.api.conftest import etag, with_if_match

URL = "/api/v1/events"


def test_a_journalist_logs_an_event_and_readers_see_it(client, journalist):
    response = client.post(URL, json={"slug": "call", "title": "The call",
                                      "occurred_on": "2022-01-27"}, headers=journalist.headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "call" and body["date_precision"] == "day"
    assert body["lock_version"] == 1
    assert response.headers["Location"].endswith(f"{URL}/{body['id']}")
    assert response.headers["ETag"].startswith('"1-')

    listing = client.get(URL)
    assert listing.status_code == 200
    assert [e["slug"] for e in listing.get_json()] == ["call"]
    assert listing.headers["X-Total-Count"] == "1"
    assert 'rel="first"' in listing.headers["Link"]
    assert "public" in listing.headers["Cache-Control"]


def test_etag_and_if_none_match(client, journalist):
    created = client.post(URL, json={"slug": "e", "title": "E"}, headers=journalist.headers)
    url = f"{URL}/{created.get_json()['id']}"
    tag = etag(client, url)
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    client.patch(url, json={"title": "E2"}, headers=with_if_match(journalist.headers, tag))
    response = client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.get_json()["title"] == "E2"


def test_updates_need_if_match_and_refuse_stale_versions(client, journalist, editor):
    created = client.post(URL, json={"slug": "e", "title": "E"}, headers=journalist.headers)
    url = f"{URL}/{created.get_json()['id']}"
    tag = etag(client, url)

    missing = client.patch(url, json={"title": "X"}, headers=journalist.headers)
    assert missing.status_code == 428
    assert missing.get_json()["error"]["code"] == "precondition_required"

    first = client.patch(url, json={"title": "First"}, headers=with_if_match(editor.headers, tag))
    assert first.status_code == 200 and first.get_json()["lock_version"] == 2
    second = client.patch(url, json={"title": "Second"},
                          headers=with_if_match(journalist.headers, tag))
    assert second.status_code == 412
    assert second.get_json()["error"]["code"] == "stale_version"
    assert client.get(url).get_json()["title"] == "First"


def test_soft_delete_and_restore(client, journalist, editor):
    created = client.post(URL, json={"slug": "e", "title": "E"}, headers=journalist.headers)
    url = f"{URL}/{created.get_json()['id']}"
    deleted = client.delete(url + "?reason=duplicate",
                            headers=with_if_match(editor.headers, etag(client, url)))
    assert deleted.status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(URL).get_json() == []
    assert client.get(URL).headers["X-Total-Count"] == "0"
    editor_view = client.get(URL + "?include_deleted=true", headers=editor.headers)
    assert editor_view.headers["X-Total-Count"] == "1" and len(editor_view.get_json()) == 1
    assert client.get(url + "?include_deleted=true", headers=journalist.headers).status_code == 403
    seen = client.get(url + "?include_deleted=true", headers=editor.headers)
    assert seen.status_code == 200 and seen.get_json()["deleted_at"]
    assert client.post(url + "/restore", headers=journalist.headers).status_code == 403
    restored = client.post(url + "/restore", json={"reason": "not a duplicate"},
                           headers=editor.headers)
    assert restored.status_code == 200 and restored.get_json()["deleted_at"] is None
    assert client.get(url).status_code == 200


def test_bad_input_is_a_422_naming_the_fields(client, journalist):
    response = client.post(URL, json={"slug": "Not A Slug", "title": "", "colour": "red"},
                           headers=journalist.headers)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"slug", "title", "colour"}


def test_duplicate_slug_is_a_conflict(client, journalist):
    client.post(URL, json={"slug": "e", "title": "E"}, headers=journalist.headers)
    response = client.post(URL, json={"slug": "e", "title": "F"}, headers=journalist.headers)
    assert response.status_code == 409
    assert "slug" in response.get_json()["error"]["fields"]


def test_updated_since_and_slug_filters(client, journalist):
    created = client.post(URL, json={"slug": "e", "title": "E"}, headers=journalist.headers)
    stamp = created.get_json()["updated_at"]
    assert [e["slug"] for e in client.get(URL, query_string={"updated_since": stamp})
            .get_json()] == ["e"]
    assert client.get(URL + "?updated_since=2999-01-01T00:00:00Z").get_json() == []
    assert client.get(URL + "?slug=other").get_json() == []
    bad = client.get(URL + "?updated_since=yesterday")
    assert bad.status_code == 422 and "updated_since" in bad.get_json()["error"]["fields"]
