#!/usr/bin/python3
"""Independent reference for embeval parity (tests/pipeline/gguf_parity_test.cpp), in numpy.

  parity_reference.py DIR
      reads DIR/docs_a.npy, docs_b.npy, queries_a.npy, queries_b.npy (float32, one row per text,
      in dataset order) and DIR/qrels.tsv (query row<TAB>document row<TAB>grade), and prints one
      line "name value" per figure: the per-text cosine summary (min, p1, median, mean; numpy's
      default percentile), the top-10 overlap (mean, min) and nDCG@10 of each model with their
      difference. Written from the definitions in docs/parity.md, sharing no code with embeval.
"""
import sys

import numpy as np


def cosines(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def top(docs, queries, k):
    scores = queries.astype(np.float64) @ docs.astype(np.float64).T
    # Best first; ties to the smaller document row (a stable sort on the negated score).
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def ndcg10(ranking, judged):
    out = []
    for q, grades in judged.items():
        dcg = sum(grades.get(int(d), 0) / np.log2(r + 2) for r, d in enumerate(ranking[q][:10]))
        ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:10]
        idcg = sum(g / np.log2(r + 2) for r, g in enumerate(ideal))
        out.append(dcg / idcg if idcg > 0 else 0.0)
    return np.array(out)


def main(d):
    da, db = np.load(f"{d}/docs_a.npy"), np.load(f"{d}/docs_b.npy")
    qa, qb = np.load(f"{d}/queries_a.npy"), np.load(f"{d}/queries_b.npy")
    judged = {}
    for line in open(f"{d}/qrels.tsv"):
        q, doc, g = (int(x) for x in line.split())
        judged.setdefault(q, {})[doc] = g
    for name, c in (("documents", cosines(da, db)), ("queries", cosines(qa, qb))):
        print(f"{name}.min {c.min():.17g}")
        print(f"{name}.p1 {np.percentile(c, 1):.17g}")
        print(f"{name}.median {np.percentile(c, 50):.17g}")
        print(f"{name}.mean {c.mean():.17g}")
    k = min(10, len(da))
    ta, tb = top(da, qa, k), top(db, qb, k)
    overlap = np.array([len(set(x) & set(y)) / k for x, y in zip(ta, tb)])
    print(f"overlap.mean {overlap.mean():.17g}")
    print(f"overlap.min {overlap.min():.17g}")
    na, nb = ndcg10(ta, judged), ndcg10(tb, judged)
    print(f"ndcg.a {na.mean():.17g}")
    print(f"ndcg.b {nb.mean():.17g}")
    print(f"ndcg.diff {(na - nb).mean():.17g}")


if __name__ == "__main__":
    main(sys.argv[1])
