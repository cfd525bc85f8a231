#!/usr/bin/python3
"""A tiny random-weight BERT cross-encoder (reranker) GGUF and an independent numpy reference of
its scores. Uses tiny_models.py's writer, tokenizer copy and BERT forward pass.

  tiny_reranker.py make OUT.gguf BERT_VOCAB.gguf
      the 2-layer BERT of tiny_models.py's shape (dim 32, 4 heads, ffn 64, context 64; its own
      random weights, fixed seed) with a sequence-classification head as llama.cpp names it:
      cls.weight / cls.bias (BertPooler's dense layer, tanh) and cls.output.weight /
      cls.output.bias (the classifier, one label), pooling type rank (4). The WordPiece
      tokenizer of BERT_VOCAB.gguf with add_bos, add_eos (EOS = [SEP], 102) and no add_sep, so a
      pair reads [CLS] query [SEP] document [SEP] as in a Hugging Face BERT cross-encoder.
  tiny_reranker.py reference MODEL.gguf TOKENS.txt OUT.txt EPS
      (GELU as ggml computes it, ggml_gelu below) for every line of TOKENS.txt (the pair's token ids, specials included) writes
      "score bound": the score computed in float64 from the CLS (first) token's last-layer state
      h, s = w . tanh(W h + b) + c, and the float32 error bound of a forward pass whose h is
      within EPS * |h| (per component) of the exact one (the caller's parity tolerance, derived
      in tests/gguf/tiny_model_fixture.h), carried through the head to first order:
      |da_i| <= EPS |h| sum_j |W_ij| + g (sum_j |W_ij h_j| + |b_i|), g = gamma(DIM + 1);
      |dz_i| <= (1 - z_i^2) |da_i| + 4 u |z_i| (tanh's own rounding);
      |ds| <= sum_i |w_i| |dz_i| + g (sum_i |w_i z_i| + |c|).
"""
import sys

import numpy as np
import gguf

import tiny_models as tm

U = 2.0 ** -24  # float32 unit roundoff


def ggml_gelu(x):
    """GELU as llama.cpp's CPU backend computes it (ggml-cpu/vec.h, GGML_GELU_FP16): the argument
    rounded to float16, the tanh form looked up in a float16 table; 0 below -10, x above 10.
    The reference uses it instead of tiny_models.py's exact erf form, so the two sides differ by
    float32 rounding and float16 rounding flips only (see the bound below)."""
    x16 = x.astype(np.float16).astype(np.float64)
    y = 0.5 * x16 * (1.0 + np.tanh(0.7978845608028654 * x16 * (1.0 + 0.044715 * x16 * x16)))
    y = y.astype(np.float16).astype(np.float64)
    return np.where(x <= -10.0, 0.0, np.where(x >= 10.0, x, y))


def make(out_path: str, vocab_path: str) -> None:
    vocab = tm.read_metadata(vocab_path)
    rng = np.random.default_rng(20261202)
    n_vocab = tm.vocab_size(vocab)
    dim, ffn = tm.DIM, tm.FFN

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    tensors = {
        "token_embd.weight": w(n_vocab, dim, scale=0.5),
        "token_types.weight": w(2, dim),
        "position_embd.weight": w(tm.CTX, dim),
        "token_embd_norm.weight": 1.0 + w(dim, scale=0.1),
        "token_embd_norm.bias": w(dim, scale=0.1),
    }
    for i in range(tm.LAYERS):
        p = f"blk.{i}."
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            tensors[p + name + ".weight"] = w(dim, dim)
            tensors[p + name + ".bias"] = w(dim, scale=0.1)
        tensors[p + "attn_output_norm.weight"] = 1.0 + w(dim, scale=0.1)
        tensors[p + "attn_output_norm.bias"] = w(dim, scale=0.1)
        tensors[p + "ffn_up.weight"] = w(ffn, dim)
        tensors[p + "ffn_up.bias"] = w(ffn, scale=0.1)
        tensors[p + "ffn_down.weight"] = w(dim, ffn)
        tensors[p + "ffn_down.bias"] = w(dim, scale=0.1)
        tensors[p + "layer_output_norm.weight"] = 1.0 + w(dim, scale=0.1)
        tensors[p + "layer_output_norm.bias"] = w(dim, scale=0.1)
    tensors["cls.weight"] = w(dim, dim, scale=0.3)
    tensors["cls.bias"] = w(dim, scale=0.1)
    tensors["cls.output.weight"] = w(1, dim, scale=0.5)
    tensors["cls.output.bias"] = w(1, scale=0.1)

    writer = tm.VocabWriter(out_path, "bert")
    writer.add_name("tiny-bert-reranker")
    writer.add_context_length(tm.CTX)
    writer.add_embedding_length(dim)
    writer.add_feed_forward_length(ffn)
    writer.add_block_count(tm.LAYERS)
    writer.add_head_count(tm.HEADS)
    writer.add_float32("bert.attention.layer_norm_epsilon", tm.EPS)
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.RANK)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    tm.copy_tokenizer(vocab, writer, skip=("tokenizer.ggml.add_bos_token",
                                           "tokenizer.ggml.add_eos_token",
                                           "tokenizer.ggml.add_sep_token",
                                           "tokenizer.ggml.eos_token_id"))
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(True)
    writer.add_bool("tokenizer.ggml.add_sep_token", False)
    writer.add_eos_token_id(102)
    for name, t in tensors.items():
        writer.add_tensor(name, t)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def gamma(n: float) -> float:
    return n * U / (1 - n * U)


def reference(model_path: str, tokens_path: str, out_path: str, eps: float) -> None:
    r = gguf.GGUFReader(model_path)
    assert r.fields["general.architecture"].contents() == "bert"
    assert int(r.fields["bert.pooling_type"].contents()) == int(gguf.PoolingType.RANK)
    t = {}
    for tensor in r.tensors:
        shape = tuple(int(d) for d in reversed(tensor.shape))
        t[tensor.name] = np.asarray(tensor.data, dtype=np.float64).reshape(shape)
    heads = int(r.fields["bert.attention.head_count"].contents())
    ln_eps = float(r.fields["bert.attention.layer_norm_epsilon"].contents())
    W, b = t["cls.weight"], t["cls.bias"]
    wo, c = t["cls.output.weight"][0], float(t["cls.output.bias"][0])
    g = gamma(W.shape[1] + 1)
    tm.gelu = ggml_gelu  # bert_forward looks gelu up in tiny_models at call time
    with open(tokens_path) as f, open(out_path, "w") as out:
        for line in f:
            ids = [int(v) for v in line.split()]
            h = tm.bert_forward(t, ids, heads, ln_eps)[0]  # CLS: the first token
            a = W @ h + b
            z = np.tanh(a)
            s = float(wo @ z + c)
            da = eps * np.linalg.norm(h) * np.abs(W).sum(1) + g * (np.abs(W) @ np.abs(h) + np.abs(b))
            dz = (1 - z * z) * da + 4 * U * np.abs(z)
            ds = float(np.abs(wo) @ dz + g * (np.abs(wo) @ np.abs(z) + abs(c)))
            out.write(f"{s:.17g} {ds:.17g}\n")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], sys.argv[3])
    elif cmd == "reference":
        reference(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        sys.exit(__doc__)
