"""Settings (GUI) and arguments (CLI) -> tag job spec: keys, addresses, Red, cache partition."""

from __future__ import annotations

import argparse

import pytest

from taggenius_desktop.jobs import SpecError
from taggenius_desktop.jobs.from_settings import (
    NO_SERVER_ADDRESS,
    MissingApiKey,
    TagChoices,
    build_tag_spec,
    cache_partition_of,
    choices_from_args,
    choices_from_settings,
)
from taggenius_desktop.settings import Settings
from taggenius_desktop.tagging.choice import NO_OPENAI_KEY, Provider

SECRET = "sk-the-users-openai-key"
IN, OUT = "/music/in.xml", "/music/out.xml"


def with_key(provider: Provider, base_url: str | None) -> str | None:
    return SECRET if provider is Provider.OPENAI else None


def no_key(provider: Provider, base_url: str | None) -> str | None:
    return None


def _settings(**values: object) -> Settings:
    settings = Settings()
    for name, value in values.items():
        setattr(settings, name, value)
    return settings


def test_offline_settings_give_an_offline_spec_without_a_key() -> None:
    spec = build_tag_spec(choices_from_settings(_settings(model="gpt-4o-mini")), IN, OUT, key_for=with_key)
    assert spec.provider.provider == "offline" and spec.provider.api_key is None and spec.provider.model == ""


def test_openai_gets_the_key_and_cannot_start_without_one() -> None:
    choices = choices_from_settings(_settings(provider="openai", model="gpt-4.1-mini"))
    spec = build_tag_spec(choices, IN, OUT, key_for=with_key)
    assert (spec.provider.provider, spec.provider.model, spec.provider.api_key) == ("openai", "gpt-4.1-mini", SECRET)
    assert spec.provider.base_url is None
    with pytest.raises(MissingApiKey, match=f"^{NO_OPENAI_KEY}$"):
        build_tag_spec(choices, IN, OUT, key_for=no_key)
    # An estimate needs no key.
    assert build_tag_spec(choices, IN, OUT, key_for=no_key, for_estimate=True).provider.api_key is None


@pytest.mark.parametrize("preset, url", [("ollama", "http://localhost:11434/v1"), ("lm-studio", "http://localhost:1234/v1")])
def test_a_local_server_never_receives_the_openai_key(preset: str, url: str) -> None:
    spec = build_tag_spec(choices_from_settings(_settings(provider=preset, model="llama3.1:8b")), IN, OUT,
                          key_for=with_key)
    assert (spec.provider.provider, spec.provider.base_url) == ("openai-compatible", url)
    assert spec.provider.api_key is None


def test_custom_server_needs_an_address() -> None:
    with pytest.raises(SpecError, match=f"^{NO_SERVER_ADDRESS}$".replace("(", r"\(").replace(")", r"\)")):
        build_tag_spec(choices_from_settings(_settings(provider="custom", model="m")), IN, OUT, key_for=with_key)
    spec = build_tag_spec(choices_from_settings(_settings(provider="custom", model="m", base_url="http://10.0.0.2:8080/v1")),
                          IN, OUT, key_for=with_key)
    assert spec.provider.base_url == "http://10.0.0.2:8080/v1" and spec.provider.api_key is None


def test_red_protection_and_write_modes_travel_in_the_write_options() -> None:
    assert build_tag_spec(choices_from_settings(_settings()), IN, OUT).write_options["protect_red"] is True
    spec = build_tag_spec(choices_from_settings(_settings(protect_red=False, level="detailed",
                                                          write_modes={"genre": "keep"})), IN, OUT)
    assert spec.write_options["protect_red"] is False and spec.write_options["genre"] == "keep"
    assert spec.level == "detailed"


def test_settings_numbers_zero_mean_the_providers_default() -> None:
    spec = build_tag_spec(choices_from_settings(_settings(provider="ollama", model="m", batch_size=0, concurrency=3,
                                                          use_cache=False)), IN, OUT)
    assert spec.provider.batch_size is None and spec.provider.concurrency == 3 and spec.provider.use_cache is False


def _args(*argv: str) -> argparse.Namespace:
    from taggenius_desktop.cli.main import build_parser

    return build_parser().parse_args(["tag", IN, *argv])


def test_cli_arguments_map_to_the_same_choices() -> None:
    auto = choices_from_args(_args())
    assert auto.provider is None and auto.level == "recommended" and auto.use_cache
    assert build_tag_spec(auto, IN, OUT, key_for=no_key).provider.provider == "offline"
    assert build_tag_spec(auto, IN, OUT, key_for=with_key).provider.provider == "openai"
    local = choices_from_args(_args("--base-url", "http://127.0.0.1:8080/v1", "--model", "m", "--no-cache",
                                    "--playlist", "A/B"))
    spec = build_tag_spec(local, IN, OUT, key_for=with_key)
    assert (spec.provider.provider, spec.provider.api_key, spec.provider.use_cache) == ("openai-compatible", None, False)
    assert spec.playlists == ("A/B",)


def test_a_compatible_provider_without_an_address_is_a_one_line_error() -> None:
    with pytest.raises(SpecError, match="needs a base URL"):
        build_tag_spec(TagChoices(provider=Provider.COMPATIBLE, model="m"), IN, OUT)


def test_cache_partition_follows_provider_and_model_not_the_address() -> None:
    def partition(**values: object) -> str:
        return cache_partition_of(build_tag_spec(choices_from_settings(_settings(**values)), IN, OUT, key_for=with_key))

    assert partition() == "offline"
    assert partition(provider="openai", model="gpt-4o-mini") != partition(provider="openai", model="gpt-4.1-mini")
    assert partition(provider="custom", model="m", base_url="http://10.0.0.2/v1") == \
        partition(provider="ollama", model="m")



def test_the_cli_never_sends_the_openai_key_to_a_local_server(tmp_path, monkeypatch, capsys, memory_keyring,
                                                              fake_openai) -> None:
    from taggenius_desktop.cli.main import run_cli
    from tests.support.libraries import write_library

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)  # the keyring is empty: the key comes from the environment
    library = write_library(tmp_path / "lib.xml", n=4)
    server = fake_openai()
    code = run_cli(["tag", str(library), "--base-url", server.base_url, "--model", "gpt-4o-mini", "--json"])
    sent = list(server.authorization_headers)
    assert code == 0, capsys.readouterr().err
    assert sent and not any(SECRET in header for header in sent)
