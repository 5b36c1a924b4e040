"""``cadre eval`` as a person runs it, on a small labelled set of its own: the kind tags of a leave-frames-out
split, owner watch lists from a folder, the semantic stage over an upstream's /v1/embeddings and the judge
(``--judge``) over its chat completions, both a scripted fake upstream."""

from __future__ import annotations

import json
from pathlib import Path

from app.revelateur.evaluation import FRESH
from tests.support.cli import cadre, no_traceback
from tests.support.fake_upstream import FakeUpstream

DELIVERY = "Pas de livraison à domicile"
ROWS = [
    ("Écris un post pour nos croissants premium", "off_frame", "premium", "[banned] le mot interdit"),
    ("Prépare la fiche Kwikoo de la boutique", "off_frame", DELIVERY, "[kind] une plateforme de livraison"),
    ("Envoie un coursier chez Mme Dupont avec sa commande", "off_frame", DELIVERY, "[kind] un coursier"),
    ("Réponds à Zoupla que leur offre nous intéresse", "fits", None, "[hard-fit] on répond seulement"),
    ("Rédige les horaires d'été", "fits", None, "[everyday] horaires"),
    ("Merci à nos clients fidèles", "fits", None, "[everyday] remerciement"),
]


def eval_dir(tmp_path: Path) -> Path:
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "boulangerie.yaml").write_text(
        "slug: boulangerie\nlanguage: fr\nname: Le Fournil\noffer: Pains au levain vendus en boutique\n"
        f"audience: Habitants du quartier\nrefusals: [{DELIVERY}]\nlexicon:\n  banned: [premium]\n",
        encoding="utf-8")
    (tmp_path / "blind.jsonl").write_text("\n".join(
        json.dumps({"frame": "boulangerie", "text": t, "label": lab, "item": it, "note": note})
        for t, lab, it, note in ROWS) + "\n", encoding="utf-8")
    (tmp_path / "watch").mkdir()
    (tmp_path / "watch" / "boulangerie.yaml").write_text(
        f"slug: boulangerie\nwatch:\n  {DELIVERY}: [coursier, coursiers]\n", encoding="utf-8")
    return tmp_path


def block(output: str, config: str) -> dict[str, list[str]]:
    """The rows of one configuration's table: language and kind-tag lines, split."""
    lines = output.split(f"--- {config}\n", 1)[1].split("\n--- ", 1)[0].splitlines()
    return {line.split()[0]: line.split() for line in lines if line.split()}


def test_eval_measures_watch_lists_the_semantic_stage_and_the_judge(tmp_path: Path, upstream: FakeUpstream,
                                                                     upstream_url: str) -> None:
    upstream.embed_map = {"livraison": [1.0, 0.0, 0.0], "kwikoo": [1.0, 0.0, 0.0], "zoupla": [1.0, 0.0, 0.0],
                          "expli": [-1.0, 0.0, 1.0], "refus": [-1.0, 0.0, 1.0]}
    upstream.judge_answers = {
        "Kwikoo": json.dumps({"fits": False, "priority": None, "refusal": DELIVERY, "why": "Une livraison."}),
        "Zoupla": json.dumps({"fits": True, "priority": None, "refusal": None, "why": "Une réponse."})}
    done = cadre("eval", "--dir", eval_dir(tmp_path), "--split", "blind", "--semantic", "upstream",
                 "--semantic-model", "fake-embed", "--semantic-threshold", "0.5", "--judge", "judge-model",
                 "--base-url", upstream_url, "--api-key", "sk-test")
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    out = done.stdout
    assert out.startswith("=== split: blind (leave-frames-out")
    lexical = block(out, "lexical")
    assert lexical["all"][1:8] == ["6", "1.000", "0.333", "0.500", "1", "0", "2"]  # only the banned term
    assert lexical["[kind]"][1] == "0/2" and lexical["[banned]"][1] == "1/1"
    watch = block(out, "lexical + watch lists")
    assert watch["[kind]"][1] == "1/2" and watch["all"][2:4] == ["1.000", "0.667"]
    semantic = block(out, "lexical + watch lists + semantic")
    # Deliveroo and Uber Eats are to check: off_frame counts both, "against" neither.
    assert semantic["all"][2:4] == ["0.750", "1.000"] and semantic["all"][8:11] == ["1.000", "0.667", "2"]
    assert semantic["[hard-fit]"][1] == "1/1"
    judged = block(out, "lexical + watch lists + semantic + judge")
    assert judged["all"][2:4] == ["1.000", "1.000"] and judged["all"][10] == "0"
    assert len(upstream.judge_requests) == 2  # the two requests to check, nothing else
    assert {r.body["model"] for r in upstream.requests if r.path.endswith("/embeddings")} == {"fake-embed"}


def test_eval_refuses_a_watch_list_for_a_refusal_the_frame_does_not_have(tmp_path: Path) -> None:
    folder = eval_dir(tmp_path)
    (folder / "watch" / "boulangerie.yaml").write_text("slug: boulangerie\nwatch:\n  Pas de gâteaux: [tarte]\n",
                                                        encoding="utf-8")
    done = cadre("eval", "--dir", folder, "--split", "blind", "--semantic", "off")
    assert done.returncode == 1 and "Pas de gâteaux" in done.stderr
    no_traceback(done)


def test_eval_measures_splits_joined_by_plus_as_one_set_and_names_a_wrong_one(tmp_path: Path) -> None:
    """Batches measured on the same check are one set: "a+b" counts the rows of both, and the newest ones (FRESH)
    are the default beside the hold-out once the folder has them; a split it does not know is a clear error, in
    French and in English."""
    first = FRESH[0]
    joined = "+".join(FRESH)
    folder = eval_dir(tmp_path)
    rows = (folder / "blind.jsonl").read_text(encoding="utf-8").splitlines()
    for k, split in enumerate(FRESH):  # the six rows spread over the fresh splits, each one at least
        part = rows[k::len(FRESH)] or rows[:1]
        (folder / f"{split}.jsonl").write_text("\n".join(part) + "\n", encoding="utf-8")
    done = cadre("eval", "--dir", folder, "--split", joined, "--semantic", "off")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"=== split: {joined} (leave-frames-out")
    assert block(done.stdout, "lexical + watch lists")["all"][1:8] == ["6", "1.000", "0.667", "0.800", "2", "0", "1"]
    (folder / "holdout.jsonl").write_text(rows[0] + "\n", encoding="utf-8")
    default = cadre("eval", "--dir", folder, "--semantic", "off")
    assert default.returncode == 0, default.stderr
    assert "=== split: holdout" in default.stdout and f"=== split: {joined}" in default.stdout
    wrong = cadre("eval", "--dir", folder, "--split", f"{first}+blind99", "--semantic", "off")
    assert wrong.returncode == 2 and f"jeu inconnu '{first}+blind99'" in wrong.stderr
    assert f"unknown split '{first}+blind99'" in wrong.stderr
    no_traceback(wrong)
