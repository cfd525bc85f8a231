"""Independent reference for BGE-M3's scores on the tiny random XLM-R GGUF (tests only).

    tiny_bge_m3.py scores MODEL.gguf HEADS_DIR TOKENS.txt SPECIALS N_QUERIES DELTA WEIGHTS.. OUT.json

TOKENS.txt: one text per line, its token ids (llama.cpp's tokenization, which other tests check
against the vocabulary's reference); the first N_QUERIES lines are queries, the rest documents.
The forward pass is tiny_models.py's numpy float64 one; the heads are the torch.save'd files read
by torch.load; FlagEmbedding's formulas (BGEM3Model: dense CLS normalised; sparse ReLU(W h + b),
max per id, specials dropped; colbert_linear on tokens after CLS, normalised; compute_score's
(w0 dense + w1 sparse + w2 colbert) / (w0 + w1 + w2)) are applied in float64. Writes, per query
and document, every score and an error bound for a forward pass whose normalised token rows lie
within DELTA of the reference per component (tiny_model_fixture.h: parity_tolerance), derived
below from the heads' operator norms.
"""
import json
import math
import sys

import numpy as np
import torch

import tiny_models


def load_states(model_path, token_lines):
    import gguf
    r = gguf.GGUFReader(model_path)
    t = {}
    for tensor in r.tensors:
        shape = tuple(int(d) for d in reversed(tensor.shape))
        t[tensor.name] = np.asarray(tensor.data, dtype=np.float64).reshape(shape)
    heads = int(r.fields["bert.attention.head_count"].contents())
    eps = float(r.fields["bert.attention.layer_norm_epsilon"].contents())
    return [tiny_models.bert_forward(t, ids, heads, eps) for ids in token_lines]


def linear(path):
    sd = torch.load(path)
    return sd["weight"].double().numpy(), sd["bias"].double().numpy()


def main(argv):
    model, heads_dir, tokens_path, specials, n_queries, delta = argv[:6]
    weights = [[float(x) for x in w.split(",")] for w in argv[6:-1]]
    out_path = argv[-1]
    specials = {int(x) for x in specials.split(",")}
    n_queries, delta = int(n_queries), float(delta)
    with open(tokens_path) as f:
        token_lines = [[int(v) for v in line.split()] for line in f]
    states = load_states(model, token_lines)
    ws, bs = linear(heads_dir + "/sparse_linear.pt")
    wc, bc = linear(heads_dir + "/colbert_linear.pt")
    hidden = ws.shape[1]
    # A token row h whose normalised direction is within delta per component has
    # ||dh|| <= rho ||h|| with rho = 2 sqrt(H) delta (direction and length each sqrt(H) delta).
    rho = 2 * math.sqrt(hidden) * delta
    norm_s = np.linalg.norm(ws, 2)
    norm_c = np.linalg.norm(wc, 2)
    texts = []
    for ids, h in zip(token_lines, states):
        dense = h[0] / np.linalg.norm(h[0])
        sparse = {}
        eps_sparse = 0.0
        for t, tok in enumerate(ids):
            eps_sparse = max(eps_sparse, norm_s * rho * np.linalg.norm(h[t]))
            if tok in specials:
                continue
            w = max(0.0, float(h[t] @ ws[0] + bs[0]))
            if w > 0:
                sparse[tok] = max(sparse.get(tok, 0.0), w)
        raw = h[1:] @ wc.T + bc
        norms = np.linalg.norm(raw, axis=1)
        colbert = raw / norms[:, None]
        # ||d(row / |row|)|| <= 2 ||d row|| / |row|, ||d row|| <= ||Wc|| rho ||h||.
        eps_colbert = max(2 * norm_c * rho * np.linalg.norm(h[1 + i]) / norms[i]
                          for i in range(len(norms)))
        texts.append(dict(dense=dense, sparse=sparse, eps_sparse=eps_sparse, colbert=colbert,
                          eps_colbert=eps_colbert))
    queries, docs = texts[:n_queries], texts[n_queries:]
    result = []
    for q in queries:
        row = []
        for d in docs:
            s_dense = float(q["dense"] @ d["dense"])
            s_sparse = sum(w * d["sparse"][i] for i, w in q["sparse"].items() if i in d["sparse"])
            s_colbert = float(np.mean(np.max(q["colbert"] @ d["colbert"].T, axis=1)))
            e_dense = 2 * math.sqrt(hidden) * delta  # each unit vector within sqrt(H) delta
            eq, ed = q["eps_sparse"], d["eps_sparse"]
            # Every id either side holds may change by eps (and an id one side dropped may
            # appear with at most eps): sum of (w + eps) * eps over both sides' ids.
            e_sparse = sum((w + ed) * ed for w in q["sparse"].values()) + \
                sum((w + eq) * eq for w in d["sparse"].values()) + eq * ed
            e_colbert = q["eps_colbert"] + d["eps_colbert"]
            entry = dict(dense=s_dense, sparse=s_sparse, colbert=s_colbert, dense_bound=e_dense,
                         sparse_bound=e_sparse, colbert_bound=e_colbert, combined=[],
                         combined_bound=[])
            for w in weights:
                total = sum(w)
                entry["combined"].append((w[0] * s_dense + w[1] * s_sparse + w[2] * s_colbert) / total)
                entry["combined_bound"].append(
                    (w[0] * e_dense + w[1] * e_sparse + w[2] * e_colbert) / total)
            row.append(entry)
        result.append(row)
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    if len(sys.argv) >= 9 and sys.argv[1] == "scores":
        main(sys.argv[2:])
    else:
        sys.exit(__doc__)
