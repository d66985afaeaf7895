"""Energy from the audio on synthetic tracks: one tempo, one genre, so only the sound
can separate them (issue 13's acceptance targets), in every format libsndfile reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import spearmanr

from taggenius_desktop.audio import analyse, energy
from taggenius_desktop.audio.calibrate import MIN_REFERENCES, fit
from taggenius_desktop.audio.measures import AudioFeatures
from tests.support import audio_synth

#: What a metadata tagger gives every track of one genre at one tempo (techno, 126 BPM).
GENRE_PRIOR = 7
LOSSY = (".mp3", ".ogg")


def _written(paths: list[Path]) -> list[int]:
    energies = []
    for path in paths:
        status, data = analyse.analyse_file(str(path))
        assert status == analyse.OK, (path.name, data)
        audio = energy.audio_energy(AudioFeatures.from_dict(data))
        energies.append(energy.combine(audio, GENRE_PRIOR).energy)
    return energies


@pytest.fixture(scope="module")
def ladders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    root = tmp_path_factory.mktemp("ladders")
    # Lossy encoders are slow (about 20x real time here): shorter tracks for those.
    made = {
        ext: audio_synth.ladder(root / ext.strip("."), ext, seconds=15.0 if ext in LOSSY else 30.0)
        for ext in audio_synth.FORMATS
    }
    made["normalised"] = audio_synth.ladder(root / "norm", ".flac", seconds=30.0, normalised=True)
    return made


# Both tests that use the ladders are slow: the module fixture encodes every format (about 8 s).
@pytest.mark.slow
@pytest.mark.parametrize("ext", sorted(audio_synth.FORMATS))
def test_energy_follows_the_constructed_intensity_in_every_format(ladders: dict[str, list[Path]], ext: str) -> None:
    written = _written(ladders[ext])
    rho = spearmanr(range(audio_synth.LEVELS), written)[0]
    assert rho >= 0.85, written
    assert written[0] <= 3, written  # the quiet pad with no drums
    assert written[-1] >= 8, written  # dense, loud, distorted drums


@pytest.mark.slow
def test_energy_follows_the_arrangement_when_loudness_is_equal(ladders: dict[str, list[Path]]) -> None:
    paths = ladders["normalised"]
    loudness = [AudioFeatures.from_dict(analyse.analyse_file(str(p))[1]).loudness_lufs for p in paths]
    assert max(loudness) - min(loudness) < 1.0, loudness  # the set really is one loudness
    written = _written(paths)
    assert spearmanr(range(audio_synth.LEVELS), written)[0] >= 0.7, written


def test_the_genre_prior_breaks_ties_but_never_flattens_two_tracks_of_one_genre() -> None:
    calm, intense = energy.combine(3.4, 7), energy.combine(8.6, 7)
    assert calm.energy <= 4 and intense.energy >= 8
    # Equal measurements: the tagger's energy decides the rounding.
    assert energy.combine(5.4, 9).energy > energy.combine(5.4, 2).energy
    assert energy.combine(5.4, None).energy == 5


def test_a_disagreement_of_three_levels_is_flagged() -> None:
    assert energy.combine(3.0, 7).flagged
    assert energy.combine(3.0, 7).disagreement == 4
    assert not energy.combine(5.0, 7).flagged


def test_the_scale_has_fixed_anchors() -> None:
    assert energy.score_to_energy(energy.SCORE_AT_MIN) == 1.0
    assert energy.score_to_energy(energy.SCORE_AT_MAX) == 10.0
    assert energy.score_to_energy(-9.0) == 1.0 and energy.score_to_energy(9.0) == 10.0
    assert energy.score_to_energy(0.0) == pytest.approx(5.5)


def test_calibration_learns_the_djs_scale_and_reports_held_out_agreement() -> None:
    # The DJ's references are a monotone (but not linear) function of our score.
    refs = []
    for i in range(60):
        score = -1.5 + 3.0 * i / 59
        reference = min(10, max(1, int(round(2 + 6 * ((score + 1.5) / 3.0) ** 2))))
        refs.append((str(1000 + i), score, reference))
    calibration = fit(refs)
    assert calibration is not None
    assert calibration.held_out > 0 and calibration.references == 60
    assert calibration.within_one is not None and calibration.within_one >= 0.9
    assert calibration.exact is not None and calibration.exact >= 0.5
    # Monotone: a higher score never gets a lower energy.
    mapped = [calibration.apply(-1.5 + 3.0 * i / 100) for i in range(101)]
    assert all(b >= a for a, b in zip(mapped, mapped[1:], strict=False))
    assert round(calibration.apply(-1.5)) == 2 and round(calibration.apply(1.5)) == 8


def test_too_few_references_keep_the_fixed_anchors() -> None:
    refs = [(str(i), i / 10, 5) for i in range(MIN_REFERENCES - 1)]
    assert fit(refs) is None
