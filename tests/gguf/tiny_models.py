#!/usr/bin/python3
"""Tiny random-weight GGUF embedding models and an independent numpy forward pass.

Used by tests/gguf/gguf_parity_test.cpp (run with Debian's /usr/bin/python3 + python3-numpy and
PYTHONPATH pointing at llama.cpp's gguf-py):

  tiny_models.py make OUTDIR BERT_VOCAB.gguf QWEN_VOCAB.gguf
      writes OUTDIR/tiny-bert-cls.gguf and tiny-bert-mean.gguf: the same 2-layer BERT (dim 32,
      4 heads, ffn 64, context 64) with the real tokenizer copied from BERT_VOCAB.gguf (a
      ggml-vocab-*.gguf of llama.cpp), pooling CLS and MEAN, and tiny-bert-mean-q8_0.gguf, the
      MEAN one with its matrices quantized to Q8_0 (as llama-quantize q8_0); and OUTDIR/tiny-qwen3-last.gguf, a
      2-layer Qwen3-like decoder (dim 32, 4 query heads, 2 KV heads, ffn 64) with the tokenizer
      of QWEN_VOCAB.gguf, EOS appended, last-token pooling (as Qwen3-Embedding). Weights are
      random (fixed seed).
  tiny_models.py make-hostile OUTDIR BERT_VOCAB.gguf
      OUTDIR/bad-*.gguf (HOSTILE below): the tiny BERT with one metadata value that ggml's
      header parser accepts but llama.cpp asserts on or computes NaN with (block count 0 or
      100000, layer-norm epsilon negative or NaN, pooling type 99, a duplicate vocabulary string).
  tiny_models.py make-bench OUT.gguf BERT_VOCAB.gguf
      a bge-small-sized random BERT (dim 384, 12 layers, 12 heads, ffn 1536, context 512, mean
      pooling) for bench/gguf_bench.cpp.
  tiny_models.py reference MODEL.gguf TOKENS.txt OUT.txt [causal|bidirectional]
      reads MODEL.gguf back with gguf-py and embeds every line of TOKENS.txt (space-separated
      token ids, special tokens included), pooled as the metadata says and L2-normalised; writes
      one line of floats per input. The decoder runs causal unless told bidirectional.
  tiny_models.py token-states MODEL.gguf TOKENS.txt OUT.txt
      the same for a BERT-architecture MODEL.gguf without pooling: every token's last-layer
      output, a line per input holding its rows one after the other (not normalised).

The forward pass is written from the BERT definition (Devlin et al. 2019; Hugging Face
BertModel): embeddings = word + position + token_type(0), LayerNorm; per layer post-norm
self-attention and a GELU feed-forward, each followed by residual + LayerNorm. GELU is the exact
erf form, as in BERT; llama.cpp's tanh approximation differs by < 1e-3, far below the test's
cosine tolerance. The decoder follows Qwen3 (Hugging Face Qwen3Model): pre-RMSNorm blocks, Q/K
RMSNorm per head, rotary embeddings in the rotate-half (GPT-NeoX) layout, grouped-query
attention, SwiGLU feed-forward, a final RMSNorm.

Two more encoder families are made the way a real model reaches llama.cpp: first a Hugging Face
checkpoint (state-dict names and layout, config), then a conversion that does what
convert_hf_to_gguf.py (conversion/bert.py) does to it; the reference forward pass runs on the
checkpoint with the Hugging Face semantics and never reads the GGUF:

  tiny_models.py make-families OUTDIR XLMR_VOCAB.gguf NOMIC_VOCAB.gguf
      OUTDIR/tiny-xlmr.npz: a 2-layer XLMRobertaModel (dim 32, 4 heads, ffn 64,
      max_position_embeddings 66, pad_token_id 1, type_vocab_size 1, LayerNorm eps 1e-5), as
      bge-m3 / multilingual-e5, with the XLM-R SentencePiece unigram tokenizer of XLMR_VOCAB.gguf
      cut to XLM-R's 250002 tokens; converted to tiny-xlmr-cls.gguf (bge-m3 pools CLS) and
      tiny-xlmr-mean.gguf (multilingual-e5 pools mean): arch "bert", the position table without
      its first pad_token_id + 1 rows, context_length = max_position_embeddings - 2.
      OUTDIR/tiny-nomic.npz: a 2-layer NomicBertModel (dim 32, 4 heads, n_inner 64, rotary base
      1000, LayerNorm eps 1e-12, type_vocab_size 2, no biases on the linear layers) as
      nomic-embed-text-v1.5, with the WordPiece tokenizer of NOMIC_VOCAB.gguf; converted to
      tiny-nomic-mean.gguf (nomic pools mean) and tiny-nomic-cls.gguf: arch "nomic-bert".
      Tensor names are mapped with gguf-py's TensorNameMap, as the converter does.
  tiny_models.py hf-reference CHECKPOINT.npz cls|mean TOKENS.txt OUT.txt [VARIANT]
      embeds every line of TOKENS.txt with the checkpoint, like reference. VARIANT (default
      exact) deliberately misreads the architecture, so tests can show that the parity check
      notices: xlmr-positions-from-0 (position ids 0.. instead of pad_token_id + 1 ..),
      nomic-rope-base-10000 (llama.cpp's default base instead of the checkpoint's),
      nomic-rope-interleaved (GPT-J pairs instead of rotate-half).

XLMRobertaModel (Hugging Face modeling_xlm_roberta.py): position ids come from
create_position_ids_from_input_ids, cumsum(input != pad) * (input != pad) + pad_token_id, so an
unpadded text uses rows pad_token_id + 1 = 2 onwards of the position table; otherwise a BERT
(embeddings word + position + token_type(0), LayerNorm; post-norm layers, GELU). NomicBertModel
(nomic-ai contrastors, modeling_hf_nomic_bert.py): embeddings word + token_type(0) (no position
table), emb_ln; per layer a fused Wqkv split as (three, heads, head_dim), rotary embeddings on
q and k (inv_freq = base^(-arange(0, d, 2) / d), cos/sin repeated over both halves,
x * cos + rotate_half(x) * sin), out_proj, norm1(x + attn); fc2(fc11(x) * silu(fc12(x))),
norm2(x + mlp).
"""
import json
import math
import struct
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
    vocab = read_metadata(vocab_path)
    rng = np.random.default_rng(20261125)
    n_vocab = vocab_size(vocab)
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
    writer = VocabWriter(f"{outdir}/tiny-qwen3-last.gguf", "qwen3")
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
              only=None, hostile=None) -> None:
    vocab = read_metadata(vocab_path)
    rng = np.random.default_rng(20261124)
    n_vocab = vocab_size(vocab)

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
                (gguf.PoolingType.MEAN, f"{outdir}/tiny-bert-mean.gguf"),
                (gguf.PoolingType.MEAN, f"{outdir}/tiny-bert-mean-q8_0.gguf"))
    if only:
        variants = ((gguf.PoolingType.MEAN, only),)
    if hostile:
        variants = tuple((gguf.PoolingType.MEAN, f"{outdir}/{name}") for name in hostile)
    for pooling, path in variants:
        # tiny-bert-mean-q8_0.gguf: tiny-bert-mean's twin as llama-quantize q8_0 makes it, the
        # matrices (token embeddings included) in Q8_0 blocks of 32 (gguf-py's quantizer, the
        # reference implementation of ggml's), norms, biases and the position and token-type
        # tables kept F32.
        q8 = path.endswith("-q8_0.gguf")
        # make-hostile: one metadata value that ggml's parser accepts and llama.cpp does not.
        bad = hostile.get(path.rsplit("/", 1)[-1], {}) if hostile else {}
        writer = VocabWriter(path, "bert")
        writer.add_name("tiny-bert")
        writer.add_context_length(CTX)
        writer.add_embedding_length(DIM)
        writer.add_feed_forward_length(FFN)
        writer.add_uint32("bert.block_count", bad.get("block_count", LAYERS))
        writer.add_head_count(HEADS)
        writer.add_float32("bert.attention.layer_norm_epsilon", bad.get("eps", EPS))
        writer.add_causal_attention(False)
        writer.add_uint32("bert.pooling_type", bad.get("pooling", int(pooling)))
        writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0 if q8 else gguf.LlamaFileType.ALL_F32)
        file_vocab = vocab
        if "duplicate_token" in bad:
            tv = vocab["tokenizer.ggml.tokens"]
            items = list(tv[1].items)
            items[bad["duplicate_token"]] = items[bad["duplicate_token"] - 1]
            file_vocab = dict(vocab)
            file_vocab["tokenizer.ggml.tokens"] = (tv[0], PackedArray(tv[1].sub_type, items))
        copy_tokenizer(file_vocab, writer)
        for name, t in tensors.items():
            # llama-quantize's rule (src/llama-quant.cpp): matrices, but never the position and
            # token-type tables (the graph adds them as they are) nor norms.
            if (q8 and t.ndim == 2 and t.shape[1] % 32 == 0
                    and name not in ("position_embd.weight", "token_types.weight")):
                writer.add_tensor(name, gguf.quants.quantize(t, gguf.GGMLQuantizationType.Q8_0),
                                  raw_dtype=gguf.GGMLQuantizationType.Q8_0)
            else:
                writer.add_tensor(name, t)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()


# Vocabulary metadata is copied as raw GGUF bytes: gguf-py's GGUFReader and GGUFWriter handle a
# metadata array element by element, which takes ~20 s for a 250k-token vocabulary (and every
# test process makes its models afresh). The bytes written are the same as through gguf-py.
_SCALAR_FORMATS = {
    gguf.GGUFValueType.UINT8: "<B", gguf.GGUFValueType.INT8: "<b",
    gguf.GGUFValueType.UINT16: "<H", gguf.GGUFValueType.INT16: "<h",
    gguf.GGUFValueType.UINT32: "<I", gguf.GGUFValueType.INT32: "<i",
    gguf.GGUFValueType.FLOAT32: "<f", gguf.GGUFValueType.BOOL: "<?",
    gguf.GGUFValueType.UINT64: "<Q", gguf.GGUFValueType.INT64: "<q",
    gguf.GGUFValueType.FLOAT64: "<d",
}


class PackedArray:
    """A metadata array in GGUF's little-endian layout: strings as a list of UTF-8 bytes,
    numbers as a numpy array."""

    def __init__(self, sub_type, items):
        self.sub_type, self.items = sub_type, items

    def __len__(self):
        return len(self.items)

    def head(self, n):
        return PackedArray(self.sub_type, self.items[:n])

    def payload(self) -> bytes:
        if self.sub_type == gguf.GGUFValueType.STRING:
            return b"".join(struct.pack("<Q", len(b)) + b for b in self.items)
        return self.items.tobytes()


class VocabWriter(gguf.GGUFWriter):
    """gguf-py's writer, packing PackedArray values in one piece."""

    def _pack_val(self, val, vtype, add_vtype, sub_type=None):
        if isinstance(val, PackedArray):
            assert self.endianess == gguf.GGUFEndian.LITTLE and vtype == gguf.GGUFValueType.ARRAY
            head = struct.pack("<I", vtype) if add_vtype else b""
            return head + struct.pack("<IQ", val.sub_type, len(val)) + val.payload()
        return super()._pack_val(val, vtype, add_vtype, sub_type)


# make-hostile: file name -> the one bad metadata value it carries (tests/gguf/gguf_cli_test.cpp).
HOSTILE = {
    "bad-block-count-0.gguf": {"block_count": 0},
    "bad-block-count-huge.gguf": {"block_count": 100000},
    "bad-eps-negative.gguf": {"eps": -1e-12},
    "bad-eps-nan.gguf": {"eps": float("nan")},
    "bad-pooling-99.gguf": {"pooling": 99},
    "bad-duplicate-token.gguf": {"duplicate_token": 2000},
}


def read_metadata(path: str) -> dict:
    """The key/value metadata of a GGUF v3 file, in file order: key -> (type, value); arrays
    are PackedArray."""
    data = open(path, "rb").read()
    magic, version, _, n_kv = struct.unpack_from("<IIQQ", data, 0)
    assert magic == gguf.GGUF_MAGIC and version == 3, path
    off = 24

    def take(fmt):
        nonlocal off
        (v,) = struct.unpack_from(fmt, data, off)
        off += struct.calcsize(fmt)
        return v

    def string():
        nonlocal off
        n = take("<Q")
        off += n
        return data[off - n:off]

    out = {}
    for _ in range(n_kv):
        key = string().decode("utf-8")
        vtype = gguf.GGUFValueType(take("<I"))
        if vtype == gguf.GGUFValueType.ARRAY:
            sub = gguf.GGUFValueType(take("<I"))
            n = take("<Q")
            if sub == gguf.GGUFValueType.STRING:
                value = PackedArray(sub, [string() for _ in range(n)])
            else:
                assert sub in _SCALAR_FORMATS, f"{key}: nested arrays are not supported"
                items = np.frombuffer(data, np.dtype(_SCALAR_FORMATS[sub]), n, off)
                off += items.nbytes
                value = PackedArray(sub, items)
        elif vtype == gguf.GGUFValueType.STRING:
            value = string().decode("utf-8")
        else:
            value = take(_SCALAR_FORMATS[vtype])
        out[key] = (vtype, value)
    return out


def vocab_size(vocab: dict) -> int:
    return len(vocab["tokenizer.ggml.tokens"][1])


PER_TOKEN_KEYS = ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")


def copy_tokenizer(vocab: dict, writer: gguf.GGUFWriter, skip=(), n_tokens=None) -> None:
    """Copies the tokenizer.* keys of read_metadata(); n_tokens keeps only the first n_tokens
    entries of the per-token arrays (tokens, scores, types)."""
    for key, (vtype, value) in vocab.items():
        if not key.startswith("tokenizer.") or key in skip or key == "tokenizer.chat_template":
            continue
        if n_tokens is not None and key in PER_TOKEN_KEYS:
            value = value.head(n_tokens)
        writer.add_key_value(key, value, vtype)
    if "tokenizer.ggml.token_type_count" not in vocab and "bert" in vocab[
            "general.architecture"][1]:
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


def token_states(model_path: str, tokens_path: str, out_path: str) -> None:
    """The last layer's output of every token (pooling none) of a BERT-architecture GGUF, one
    line per sequence: its rows concatenated."""
    r = gguf.GGUFReader(model_path)
    assert r.fields["general.architecture"].contents() == "bert"
    t = {}
    for tensor in r.tensors:
        shape = tuple(int(d) for d in reversed(tensor.shape))
        t[tensor.name] = np.asarray(tensor.data, dtype=np.float64).reshape(shape)
    heads = int(r.fields["bert.attention.head_count"].contents())
    eps = float(r.fields["bert.attention.layer_norm_epsilon"].contents())
    with open(tokens_path) as f, open(out_path, "w") as out:
        for line in f:
            x = bert_forward(t, [int(v) for v in line.split()], heads, eps)
            out.write(" ".join(f"{v:.17g}" for v in x.reshape(-1)) + "\n")


# --- XLM-RoBERTa and nomic-bert: a Hugging Face checkpoint, its conversion, its reference ---

# XLM-R's SentencePiece pieces (realigned as the converter does) plus <mask>: the vocabulary of
# bge-m3 and multilingual-e5. nomic-embed-text-v2-moe pads the same list to 250048 with unused
# [PAD...] entries.
XLMR_VOCAB_SIZE = 250002


def save_checkpoint(path: str, config: dict, state_dict: dict) -> None:
    np.savez(path, __config__=np.array(json.dumps(config)), **state_dict)


def load_checkpoint(path: str):
    with np.load(path) as z:
        config = json.loads(str(z["__config__"]))
        weights = {k: z[k].astype(np.float64) for k in z.files if k != "__config__"}
    return config, weights


def convert_tensors(state_dict: dict, arch, n_layers: int, modify=lambda name, t: t) -> dict:
    """HF names -> GGUF names with gguf-py's TensorNameMap, dropping what BertModel's
    filter_tensors drops (position ids, the pooler)."""
    names = gguf.get_tensor_name_map(arch, n_layers)
    out = {}
    for name, t in state_dict.items():
        if name in ("embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"):
            continue
        gguf_name = names.get_name(name, try_suffixes=(".weight", ".bias"))
        assert gguf_name is not None, f"no GGUF name for {name}"
        out[gguf_name] = modify(name, t)
    return out


def write_encoder_gguf(path: str, arch: str, name: str, hp: dict, tensors: dict, pooling,
                       vocab: dict, n_tokens=None) -> None:
    writer = VocabWriter(path, arch)
    writer.add_name(name)
    writer.add_context_length(hp["context_length"])
    writer.add_embedding_length(hp["dim"])
    writer.add_feed_forward_length(hp["ffn"])
    writer.add_block_count(hp["layers"])
    writer.add_head_count(hp["heads"])
    writer.add_layer_norm_eps(hp["eps"])
    if "rope_freq_base" in hp:
        writer.add_rope_freq_base(hp["rope_freq_base"])
    writer.add_causal_attention(False)
    writer.add_pooling_type(pooling)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    copy_tokenizer(vocab, writer, skip=("tokenizer.ggml.token_type_count",), n_tokens=n_tokens)
    writer.add_token_type_count(hp["type_vocab_size"])  # BertModel.set_vocab: type_vocab_size
    for tname, t in tensors.items():
        writer.add_tensor(tname, np.ascontiguousarray(t, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def make_families(outdir: str, xlmr_vocab_path: str, nomic_vocab_path: str) -> None:
    make_xlmr(outdir, xlmr_vocab_path)
    make_nomic(outdir, nomic_vocab_path)


def make_xlmr(outdir: str, vocab_path: str) -> None:
    vocab = read_metadata(vocab_path)
    assert vocab_size(vocab) >= XLMR_VOCAB_SIZE
    cfg = {"architectures": ["XLMRobertaModel"], "hidden_size": 32, "num_attention_heads": 4,
           "intermediate_size": 64, "num_hidden_layers": 2, "max_position_embeddings": 66,
           "pad_token_id": 1, "type_vocab_size": 1, "layer_norm_eps": 1e-5,
           "vocab_size": XLMR_VOCAB_SIZE, "hidden_act": "gelu"}
    rng = np.random.default_rng(20261201)

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    d, f = cfg["hidden_size"], cfg["intermediate_size"]
    e = "embeddings."
    sd = {e + "word_embeddings.weight": w(XLMR_VOCAB_SIZE, d, scale=0.5),
          # as large as the word embeddings: a position off by two must show in the output
          e + "position_embeddings.weight": w(cfg["max_position_embeddings"], d, scale=0.5),
          e + "token_type_embeddings.weight": w(cfg["type_vocab_size"], d),
          e + "LayerNorm.weight": 1.0 + w(d, scale=0.1), e + "LayerNorm.bias": w(d, scale=0.1)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for lin, (n_out, n_in) in (("attention.self.query", (d, d)), ("attention.self.key", (d, d)),
                                   ("attention.self.value", (d, d)),
                                   ("attention.output.dense", (d, d)),
                                   ("intermediate.dense", (f, d)), ("output.dense", (d, f))):
            sd[p + lin + ".weight"] = w(n_out, n_in)
            sd[p + lin + ".bias"] = w(n_out, scale=0.1)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            sd[p + ln + ".weight"] = 1.0 + w(d, scale=0.1)
            sd[p + ln + ".bias"] = w(d, scale=0.1)
    sd["pooler.dense.weight"] = w(d, d)  # in every real checkpoint; the converter drops it
    sd["pooler.dense.bias"] = w(d, scale=0.1)
    save_checkpoint(f"{outdir}/tiny-xlmr.npz", cfg, sd)

    # XLMRobertaModel._xlmroberta_tokenizer_init / modify_tensors: HF position ids start at
    # pad_token_id + 1, so the converter drops the rows before it and shortens the context.
    offset = cfg["pad_token_id"] + 1

    def chop(name, t):
        return t[offset:] if name == "embeddings.position_embeddings.weight" else t

    tensors = convert_tensors(sd, gguf.MODEL_ARCH.BERT, cfg["num_hidden_layers"], chop)
    hp = {"context_length": cfg["max_position_embeddings"] - offset, "dim": d, "ffn": f,
          "layers": cfg["num_hidden_layers"], "heads": cfg["num_attention_heads"],
          "eps": cfg["layer_norm_eps"], "type_vocab_size": cfg["type_vocab_size"]}
    for pooling, suffix in ((gguf.PoolingType.CLS, "cls"), (gguf.PoolingType.MEAN, "mean")):
        write_encoder_gguf(f"{outdir}/tiny-xlmr-{suffix}.gguf", "bert", "tiny-xlm-roberta", hp,
                           tensors, pooling, vocab, n_tokens=XLMR_VOCAB_SIZE)


def make_nomic(outdir: str, vocab_path: str) -> None:
    vocab = read_metadata(vocab_path)
    n_vocab = vocab_size(vocab)
    # nomic-embed-text-v1.5's config.json, scaled down; n_positions is written as the context
    # directly (the converter maps v1.5's 8192 to the 2048 it was trained for).
    cfg = {"architectures": ["NomicBertModel"], "n_embd": 32, "n_head": 4, "n_inner": 64,
           "n_layer": 2, "n_positions": 64, "rotary_emb_base": 1000.0, "rotary_emb_fraction": 1.0,
           "rotary_emb_interleaved": False, "rotary_emb_scale_base": None,
           "rotary_scaling_factor": None, "layer_norm_epsilon": 1e-12, "type_vocab_size": 2,
           "activation_function": "swiglu", "prenorm": False, "causal": False,
           "qkv_proj_bias": False, "mlp_fc1_bias": False, "mlp_fc2_bias": False,
           "vocab_size": n_vocab, "pad_token_id": 0}
    rng = np.random.default_rng(20261202)

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    d, f = cfg["n_embd"], cfg["n_inner"]
    sd = {"embeddings.word_embeddings.weight": w(n_vocab, d, scale=0.5),
          "embeddings.token_type_embeddings.weight": w(cfg["type_vocab_size"], d),
          "emb_ln.weight": 1.0 + w(d, scale=0.1), "emb_ln.bias": w(d, scale=0.1)}
    for i in range(cfg["n_layer"]):
        p = f"encoder.layers.{i}."
        # Larger q/k weights than elsewhere: attention that is not close to uniform makes the
        # rotary angles (and so the rotary base and layout) matter.
        sd[p + "attn.Wqkv.weight"] = np.concatenate([w(d, d, scale=0.6), w(d, d, scale=0.6),
                                                     w(d, d)])
        sd[p + "attn.out_proj.weight"] = w(d, d)
        sd[p + "mlp.fc11.weight"] = w(f, d)
        sd[p + "mlp.fc12.weight"] = w(f, d)
        sd[p + "mlp.fc2.weight"] = w(d, f)
        for ln in ("norm1", "norm2"):
            sd[p + ln + ".weight"] = 1.0 + w(d, scale=0.1)
            sd[p + ln + ".bias"] = w(d, scale=0.1)
    save_checkpoint(f"{outdir}/tiny-nomic.npz", cfg, sd)

    tensors = convert_tensors(sd, gguf.MODEL_ARCH.NOMIC_BERT, cfg["n_layer"])
    hp = {"context_length": cfg["n_positions"], "dim": d, "ffn": f, "layers": cfg["n_layer"],
          "heads": cfg["n_head"], "eps": cfg["layer_norm_epsilon"],
          "rope_freq_base": cfg["rotary_emb_base"], "type_vocab_size": cfg["type_vocab_size"]}
    for pooling, suffix in ((gguf.PoolingType.MEAN, "mean"), (gguf.PoolingType.CLS, "cls")):
        write_encoder_gguf(f"{outdir}/tiny-nomic-{suffix}.gguf", "nomic-bert", "tiny-nomic-bert",
                           hp, tensors, pooling, vocab)


def multi_head_attention(q, k, v, heads):
    """q, k, v: (n, heads * head_dim), heads side by side; bidirectional, no mask."""
    n, dim = q.shape
    hd = dim // heads
    split = lambda t: t.reshape(n, heads, hd).transpose(1, 0, 2)  # (heads, n, hd)
    scores = split(q) @ split(k).transpose(0, 2, 1) / math.sqrt(hd)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    return (probs @ split(v)).transpose(1, 0, 2).reshape(n, dim)


def create_position_ids_from_input_ids(ids, padding_idx):
    """Hugging Face modeling_xlm_roberta: padding keeps padding_idx, tokens count from it + 1."""
    mask = (ids != padding_idx).astype(np.int64)
    return np.cumsum(mask) * mask + padding_idx


def xlmr_forward(w, cfg, ids, positions_from_zero=False):
    ids = np.asarray(ids, dtype=np.int64)
    positions = (np.arange(len(ids)) if positions_from_zero
                 else create_position_ids_from_input_ids(ids, cfg["pad_token_id"]))
    e = "embeddings."
    x = (w[e + "word_embeddings.weight"][ids] +
         w[e + "token_type_embeddings.weight"][np.zeros_like(ids)] +
         w[e + "position_embeddings.weight"][positions])
    eps = cfg["layer_norm_eps"]
    x = layer_norm(x, w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda v, name: v @ w[p + name + ".weight"].T + w[p + name + ".bias"]
        ln = lambda v, name: layer_norm(v, w[p + name + ".weight"], w[p + name + ".bias"], eps)
        ctx = multi_head_attention(lin(x, "attention.self.query"), lin(x, "attention.self.key"),
                                   lin(x, "attention.self.value"), cfg["num_attention_heads"])
        x = ln(lin(ctx, "attention.output.dense") + x, "attention.output.LayerNorm")
        x = ln(lin(gelu(lin(x, "intermediate.dense")), "output.dense") + x, "output.LayerNorm")
    return x


def nomic_rotary(x, base, interleaved):
    """NomicBertRotaryEmbedding + apply_rotary_emb at offset 0; x: (n, heads, head_dim)."""
    n, _, d = x.shape
    inv_freq = 1.0 / base ** (np.arange(0, d, 2, dtype=np.float64) / d)
    freqs = np.outer(np.arange(n, dtype=np.float64), inv_freq)  # (n, d / 2)
    if interleaved:  # "... d -> ... 1 (d 2)"; rotate_half on (even, odd) pairs
        cos, sin = np.repeat(np.cos(freqs), 2, -1), np.repeat(np.sin(freqs), 2, -1)
        x1, x2 = x[..., ::2], x[..., 1::2]
        rotated = np.stack((-x2, x1), axis=-1).reshape(x.shape)
    else:  # "... d -> ... 1 (2 d)"; rotate_half on the two halves
        cos, sin = np.tile(np.cos(freqs), 2), np.tile(np.sin(freqs), 2)
        x1, x2 = x[..., :d // 2], x[..., d // 2:]
        rotated = np.concatenate((-x2, x1), axis=-1)
    return x * cos[:, None, :] + rotated * sin[:, None, :]


def nomic_forward(w, cfg, ids, base=None, interleaved=None):
    assert cfg["prenorm"] is False and cfg["rotary_emb_fraction"] == 1.0
    assert cfg["activation_function"] == "swiglu" and not cfg["qkv_proj_bias"]
    base = cfg["rotary_emb_base"] if base is None else base
    interleaved = cfg["rotary_emb_interleaved"] if interleaved is None else interleaved
    ids = np.asarray(ids, dtype=np.int64)
    n, heads, eps = len(ids), cfg["n_head"], cfg["layer_norm_epsilon"]
    x = (w["embeddings.word_embeddings.weight"][ids] +
         w["embeddings.token_type_embeddings.weight"][np.zeros_like(ids)])
    x = layer_norm(x, w["emb_ln.weight"], w["emb_ln.bias"], eps)
    for i in range(cfg["n_layer"]):
        p = f"encoder.layers.{i}."
        ln = lambda v, name: layer_norm(v, w[p + name + ".weight"], w[p + name + ".bias"], eps)
        qkv = (x @ w[p + "attn.Wqkv.weight"].T).reshape(n, 3, heads, -1)  # (three h d)
        q = nomic_rotary(qkv[:, 0], base, interleaved).reshape(n, -1)
        k = nomic_rotary(qkv[:, 1], base, interleaved).reshape(n, -1)
        ctx = multi_head_attention(q, k, qkv[:, 2].reshape(n, -1), heads)
        x = ln(ctx @ w[p + "attn.out_proj.weight"].T + x, "norm1")
        gate = x @ w[p + "mlp.fc12.weight"].T
        y = (x @ w[p + "mlp.fc11.weight"].T) * (gate / (1.0 + np.exp(-gate)))
        x = ln(y @ w[p + "mlp.fc2.weight"].T + x, "norm2")
    return x


HF_VARIANTS = {
    "XLMRobertaModel": {"exact": {}, "xlmr-positions-from-0": {"positions_from_zero": True}},
    "NomicBertModel": {"exact": {}, "nomic-rope-base-10000": {"base": 10000.0},
                       "nomic-rope-interleaved": {"interleaved": True}},
}


def hf_reference(checkpoint: str, pooling: str, tokens_path: str, out_path: str,
                 variant: str) -> None:
    cfg, w = load_checkpoint(checkpoint)
    arch = cfg["architectures"][0]
    if variant not in HF_VARIANTS[arch]:
        sys.exit(f"variant {variant} does not apply to {arch}")
    if pooling not in ("cls", "mean"):
        sys.exit(f"pooling must be cls or mean, not {pooling}")
    forward = xlmr_forward if arch == "XLMRobertaModel" else nomic_forward
    with open(tokens_path) as f, open(out_path, "w") as out:
        for line in f:
            x = forward(w, cfg, [int(v) for v in line.split()], **HF_VARIANTS[arch][variant])
            e = x[0] if pooling == "cls" else x.mean(0)  # sentence-transformers Pooling
            e = e / np.linalg.norm(e)
            out.write(" ".join(f"{v:.9g}" for v in e) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "make-hostile":
        make_bert(sys.argv[2], sys.argv[3], hostile=HOSTILE)
    elif len(sys.argv) == 4 and sys.argv[1] == "make-bench":
        make_bert("", sys.argv[3], DIM=384, HEADS=12, FFN=1536, LAYERS=12, CTX=512,
                  only=sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "make-families":
        make_families(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "hf-reference":
        hf_reference(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5],
                     sys.argv[6] if len(sys.argv) == 7 else "exact")
    elif len(sys.argv) == 5 and sys.argv[1] == "token-states":
        token_states(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "reference":
        reference(sys.argv[2], sys.argv[3], sys.argv[4],
                  causal=len(sys.argv) == 5 or sys.argv[5] != "bidirectional")
    else:
        sys.exit(__doc__)
