#!/usr/bin/python3
"""Tiny random-weight GGUF embedding models and an independent numpy forward pass.

Used by tests/gguf/gguf_parity_test.cpp (run with Debian's /usr/bin/python3 + python3-numpy and
PYTHONPATH pointing at llama.cpp's gguf-py):

  tiny_models.py make OUTDIR BERT_VOCAB.gguf QWEN_VOCAB.gguf
      writes OUTDIR/tiny-bert-cls.gguf and tiny-bert-mean.gguf: the same 2-layer BERT (dim 32,
      4 heads, ffn 64, context 64) with the real tokenizer copied from BERT_VOCAB.gguf (a
      ggml-vocab-*.gguf of llama.cpp), pooling CLS and MEAN; and OUTDIR/tiny-qwen3-last.gguf, a
      2-layer Qwen3-like decoder (dim 32, 4 query heads, 2 KV heads, ffn 64) with the tokenizer
      of QWEN_VOCAB.gguf, EOS appended, last-token pooling (as Qwen3-Embedding). Weights are
      random (fixed seed).
  tiny_models.py make-bench OUT.gguf BERT_VOCAB.gguf
      a bge-small-sized random BERT (dim 384, 12 layers, 12 heads, ffn 1536, context 512, mean
      pooling) for bench/gguf_bench.cpp.
  tiny_models.py reference MODEL.gguf TOKENS.txt OUT.txt [causal|bidirectional]
      reads MODEL.gguf back with gguf-py and embeds every line of TOKENS.txt (space-separated
      token ids, special tokens included), pooled as the metadata says and L2-normalised; writes
      one line of floats per input. The decoder runs causal unless told bidirectional.

The forward pass is written from the BERT definition (Devlin et al. 2019; Hugging Face
BertModel): embeddings = word + position + token_type(0), LayerNorm; per layer post-norm
self-attention and a GELU feed-forward, each followed by residual + LayerNorm. GELU is the exact
erf form, as in BERT; llama.cpp's tanh approximation differs by < 1e-3, far below the test's
cosine tolerance. The decoder follows Qwen3 (Hugging Face Qwen3Model): pre-RMSNorm blocks, Q/K
RMSNorm per head, rotary embeddings in the rotate-half (GPT-NeoX) layout, grouped-query
attention, SwiGLU feed-forward, a final RMSNorm.
"""
import math
import sys

import numpy as np
import gguf

DIM, HEADS, FFN, LAYERS, CTX = 32, 4, 64, 2, 64
EPS = 1e-12


def make(outdir: str, vocab_path: str, qwen_vocab_path: str) -> None:
    make_bert(outdir, vocab_path)
    make_qwen3(outdir, qwen_vocab_path)


QDIM, QHEADS, QKV_HEADS, QFFN, QLAYERS, QCTX, QEPS, QBASE = 32, 4, 2, 64, 2, 64, 1e-6, 10000.0


def make_qwen3(outdir: str, vocab_path: str) -> None:
    vocab = gguf.GGUFReader(vocab_path)
    rng = np.random.default_rng(20261125)
    n_vocab = len(vocab.fields["tokenizer.ggml.tokens"].data)
    hd = QDIM // QHEADS

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    tensors = {"token_embd.weight": w(n_vocab, QDIM, scale=0.5),
               "output_norm.weight": 1.0 + w(QDIM, scale=0.1)}
    for i in range(QLAYERS):
        p = f"blk.{i}."
        tensors[p + "attn_norm.weight"] = 1.0 + w(QDIM, scale=0.1)
        tensors[p + "attn_q.weight"] = w(QHEADS * hd, QDIM)
        tensors[p + "attn_k.weight"] = w(QKV_HEADS * hd, QDIM)
        tensors[p + "attn_v.weight"] = w(QKV_HEADS * hd, QDIM)
        tensors[p + "attn_output.weight"] = w(QDIM, QHEADS * hd)
        tensors[p + "attn_q_norm.weight"] = 1.0 + w(hd, scale=0.1)
        tensors[p + "attn_k_norm.weight"] = 1.0 + w(hd, scale=0.1)
        tensors[p + "ffn_norm.weight"] = 1.0 + w(QDIM, scale=0.1)
        tensors[p + "ffn_gate.weight"] = w(QFFN, QDIM)
        tensors[p + "ffn_up.weight"] = w(QFFN, QDIM)
        tensors[p + "ffn_down.weight"] = w(QDIM, QFFN)
    writer = gguf.GGUFWriter(f"{outdir}/tiny-qwen3-last.gguf", "qwen3")
    writer.add_name("tiny-qwen3")
    writer.add_context_length(QCTX)
    writer.add_embedding_length(QDIM)
    writer.add_feed_forward_length(QFFN)
    writer.add_block_count(QLAYERS)
    writer.add_head_count(QHEADS)
    writer.add_head_count_kv(QKV_HEADS)
    writer.add_layer_norm_rms_eps(QEPS)
    writer.add_rope_freq_base(QBASE)
    writer.add_pooling_type(gguf.PoolingType.LAST)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    copy_tokenizer(vocab, writer, skip=("tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_bos_token"))
    writer.add_add_eos_token(True)
    writer.add_add_bos_token(False)
    for name, t in tensors.items():
        writer.add_tensor(name, t)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def make_bert(outdir: str, vocab_path: str, DIM=DIM, HEADS=HEADS, FFN=FFN, LAYERS=LAYERS, CTX=CTX,
              only=None) -> None:
    vocab = gguf.GGUFReader(vocab_path)
    rng = np.random.default_rng(20261124)
    n_vocab = len(vocab.fields["tokenizer.ggml.tokens"].data)

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    tensors = {
        "token_embd.weight": w(n_vocab, DIM, scale=0.5),
        "token_types.weight": w(2, DIM),
        "position_embd.weight": w(CTX, DIM),
        "token_embd_norm.weight": 1.0 + w(DIM, scale=0.1),
        "token_embd_norm.bias": w(DIM, scale=0.1),
    }
    for i in range(LAYERS):
        p = f"blk.{i}."
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            tensors[p + name + ".weight"] = w(DIM, DIM)  # (out, in), as PyTorch stores it
            tensors[p + name + ".bias"] = w(DIM, scale=0.1)
        tensors[p + "attn_output_norm.weight"] = 1.0 + w(DIM, scale=0.1)
        tensors[p + "attn_output_norm.bias"] = w(DIM, scale=0.1)
        tensors[p + "ffn_up.weight"] = w(FFN, DIM)
        tensors[p + "ffn_up.bias"] = w(FFN, scale=0.1)
        tensors[p + "ffn_down.weight"] = w(DIM, FFN)
        tensors[p + "ffn_down.bias"] = w(DIM, scale=0.1)
        tensors[p + "layer_output_norm.weight"] = 1.0 + w(DIM, scale=0.1)
        tensors[p + "layer_output_norm.bias"] = w(DIM, scale=0.1)

    variants = ((gguf.PoolingType.CLS, f"{outdir}/tiny-bert-cls.gguf"),
                (gguf.PoolingType.MEAN, f"{outdir}/tiny-bert-mean.gguf"))
    if only:
        variants = ((gguf.PoolingType.MEAN, only),)
    for pooling, path in variants:
        writer = gguf.GGUFWriter(path, "bert")
        writer.add_name("tiny-bert")
        writer.add_context_length(CTX)
        writer.add_embedding_length(DIM)
        writer.add_feed_forward_length(FFN)
        writer.add_block_count(LAYERS)
        writer.add_head_count(HEADS)
        writer.add_layer_norm_eps(EPS)
        writer.add_causal_attention(False)
        writer.add_pooling_type(pooling)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        copy_tokenizer(vocab, writer)
        for name, t in tensors.items():
            writer.add_tensor(name, t)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()


def copy_tokenizer(vocab: gguf.GGUFReader, writer: gguf.GGUFWriter, skip=()) -> None:
    for key, field in vocab.fields.items():
        if not key.startswith("tokenizer.") or key in skip or key == "tokenizer.chat_template":
            continue
        value = field.contents()
        if field.types[0] == gguf.GGUFValueType.ARRAY:
            writer.add_key_value(key, value, gguf.GGUFValueType.ARRAY, field.types[-1])
        else:
            writer.add_key_value(key, value, field.types[0])
    if "tokenizer.ggml.token_type_count" not in vocab.fields and "bert" in vocab.fields[
            "general.architecture"].contents():
        writer.add_token_type_count(2)


def rms_norm(x, g, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * g


def rope_neox(x, base):
    """x: (n, heads, hd); rotates pairs (i, i + hd/2) by pos * base^(-2i/hd)."""
    n, _, hd = x.shape
    half = hd // 2
    inv = base ** (-np.arange(half, dtype=np.float64) * 2.0 / hd)
    ang = np.arange(n, dtype=np.float64)[:, None] * inv[None, :]
    cos, sin = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)


def qwen3_forward(t, ids, heads, kv_heads, eps, base, causal):
    x = t["token_embd.weight"][ids]
    n, dim = x.shape
    layer = 0
    while f"blk.{layer}.attn_q.weight" in t:
        p = f"blk.{layer}."
        h = rms_norm(x, t[p + "attn_norm.weight"], eps)
        q = (h @ t[p + "attn_q.weight"].T).reshape(n, heads, -1)
        k = (h @ t[p + "attn_k.weight"].T).reshape(n, kv_heads, -1)
        v = (h @ t[p + "attn_v.weight"].T).reshape(n, kv_heads, -1)
        hd = q.shape[-1]
        q = rope_neox(rms_norm(q, t[p + "attn_q_norm.weight"], eps), base)
        k = rope_neox(rms_norm(k, t[p + "attn_k_norm.weight"], eps), base)
        out = np.zeros((n, heads, hd))
        mask = np.triu(np.full((n, n), -np.inf), 1) if causal else np.zeros((n, n))
        for hh in range(heads):
            kv = hh // (heads // kv_heads)
            scores = q[:, hh] @ k[:, kv].T / math.sqrt(hd) + mask
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            out[:, hh] = (scores / scores.sum(-1, keepdims=True)) @ v[:, kv]
        x = x + out.reshape(n, -1) @ t[p + "attn_output.weight"].T
        h = rms_norm(x, t[p + "ffn_norm.weight"], eps)
        g = h @ t[p + "ffn_gate.weight"].T
        x = x + ((g / (1.0 + np.exp(-g))) * (h @ t[p + "ffn_up.weight"].T)) @ t[p + "ffn_down.weight"].T
        layer += 1
    return rms_norm(x, t["output_norm.weight"], eps)


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def bert_forward(t, ids, heads, eps):
    n = len(ids)
    x = t["token_embd.weight"][ids] + t["token_types.weight"][0] + t["position_embd.weight"][:n]
    x = layer_norm(x, t["token_embd_norm.weight"], t["token_embd_norm.bias"], eps)
    dim = x.shape[1]
    hd = dim // heads
    layer = 0
    while f"blk.{layer}.attn_q.weight" in t:
        p = f"blk.{layer}."
        lin = lambda v, name: v @ t[p + name + ".weight"].T + t[p + name + ".bias"]
        q, k, v = lin(x, "attn_q"), lin(x, "attn_k"), lin(x, "attn_v")
        out = np.zeros_like(x)
        for h in range(heads):
            s = slice(h * hd, (h + 1) * hd)
            scores = q[:, s] @ k[:, s].T / math.sqrt(hd)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            out[:, s] = (scores / scores.sum(-1, keepdims=True)) @ v[:, s]
        x = layer_norm(x + lin(out, "attn_output"), t[p + "attn_output_norm.weight"],
                       t[p + "attn_output_norm.bias"], eps)
        f = lin(gelu(lin(x, "ffn_up")), "ffn_down")
        x = layer_norm(x + f, t[p + "layer_output_norm.weight"], t[p + "layer_output_norm.bias"],
                       eps)
        layer += 1
    return x


def reference(model_path: str, tokens_path: str, out_path: str, causal: bool) -> None:
    r = gguf.GGUFReader(model_path)
    arch = r.fields["general.architecture"].contents()
    assert arch in ("bert", "qwen3"), arch
    t = {}
    for tensor in r.tensors:
        shape = tuple(int(d) for d in reversed(tensor.shape))  # ggml ne -> numpy
        t[tensor.name] = np.asarray(tensor.data, dtype=np.float64).reshape(shape)
    kv = lambda key: r.fields[f"{arch}.{key}"].contents()
    heads = int(kv("attention.head_count"))
    pooling = int(kv("pooling_type"))
    with open(tokens_path) as f, open(out_path, "w") as out:
        for line in f:
            ids = [int(v) for v in line.split()]
            if arch == "bert":
                x = bert_forward(t, ids, heads, float(kv("attention.layer_norm_epsilon")))
            else:
                x = qwen3_forward(t, ids, heads, int(kv("attention.head_count_kv")),
                                  float(kv("attention.layer_norm_rms_epsilon")),
                                  float(kv("rope.freq_base")), causal)
            if pooling == int(gguf.PoolingType.CLS):
                e = x[0]
            elif pooling == int(gguf.PoolingType.LAST):
                e = x[-1]
            else:
                e = x.mean(0)
            e = e / np.linalg.norm(e)
            out.write(" ".join(f"{v:.9g}" for v in e) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "make-bench":
        make_bert("", sys.argv[3], DIM=384, HEADS=12, FFN=1536, LAYERS=12, CTX=512,
                  only=sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "reference":
        reference(sys.argv[2], sys.argv[3], sys.argv[4],
                  causal=len(sys.argv) == 5 or sys.argv[5] != "bidirectional")
    else:
        sys.exit(__doc__)
