"""The loopback responder the frozen app's --self-test talks to (real openai client)."""

from __future__ import annotations

import json

import openai
import pytest

from taggenius_desktop.selftest_server import LoopbackResponder
from taggenius_desktop.tagging.llm.prompt import messages, user_message
from taggenius_desktop.tagging.llm.schema import response_format
from taggenius_desktop.vocabulary import load_vocabulary
from taggenius_desktop.vocabulary.profile import TrackInfo

KEY = "sk-selftest"


def test_answers_schema_valid_tags_and_refuses_another_key() -> None:
    vocab = load_vocabulary()
    tracks = [TrackInfo("7", title="Spastik", artist="Plastikman", genre="Techno", bpm=130, year=1993)]
    request = {"model": "gpt-4o-mini", "messages": messages(vocab, False, user_message(tracks)),
               "response_format": response_format(vocab)}
    with LoopbackResponder(api_key=KEY) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, timeout=10)
        assert [m.id for m in client.models.list()] == ["gpt-4o-mini"]
        reply = client.chat.completions.create(**request)
        wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-other", max_retries=0, timeout=10)
        with pytest.raises(openai.AuthenticationError):
            wrong.chat.completions.create(**request)
        client.close()
        wrong.close()
        counts = dict(server.status_counts)
    (item,) = json.loads(reply.choices[0].message.content)["tracks"]
    assert item["primary_genre"] == "Techno" and item["era"] == "1990s" and 1 <= item["energy"] <= 10
    assert set(item["vibes"]) <= set(vocab.vibes)
    assert counts == {200: 2, 401: 1}
