#!/usr/bin/python3
"""A tiny random-weight GGUF chat model (causal LM) for the generator tests, and its greedy next
token from an independent numpy forward pass.

Used by tests/gguf/gguf_chat_generator_test.cpp (run with Debian's /usr/bin/python3 +
python3-numpy and PYTHONPATH pointing at llama.cpp's gguf-py):

  tiny_chat_model.py make OUTDIR QWEN_VOCAB.gguf
      OUTDIR/tiny-qwen3-chat.gguf: a 2-layer Qwen3 decoder (dim 32, 4 query heads, 2 KV heads,
      ffn 64, context 256) with an output head (output.weight, not tied), the Qwen2 tokenizer of
      QWEN_VOCAB.gguf (no BOS, no EOS added) and a ChatML chat template in
      tokenizer.chat_template, as Qwen2.5/Qwen3 instruct models carry; and
      OUTDIR/tiny-qwen3-chat-no-template.gguf, the same model without the template.
      Weights are random (fixed seed): the text it writes is noise.
  tiny_chat_model.py greedy MODEL.gguf TOKENS.txt OUT.txt STEPS
      for every line of TOKENS.txt (space-separated prompt token ids) STEPS tokens of greedy
      decoding, each the most likely next token with its logit margin over the runner-up:
      "ID MARGIN ID MARGIN ..." per line. The forward pass is tiny_models.qwen3_forward (causal,
      float64, the whole sequence again at every step) and logits = h_last @ output.weight^T.
"""
import os
import sys

import numpy as np
import gguf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_models as tm  # noqa: E402

DIM, HEADS, KV_HEADS, FFN, LAYERS, CTX, EPS, BASE = 32, 4, 2, 64, 2, 256, 1e-6, 10000.0

# ChatML as Qwen2.5 writes it, without the default system prompt.
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
          "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
          "{{ '<|im_start|>assistant\\n' }}{% endif %}")


def make(outdir: str, vocab_path: str) -> None:
    vocab = tm.read_metadata(vocab_path)
    rng = np.random.default_rng(20261202)
    n_vocab = tm.vocab_size(vocab)
    hd = DIM // HEADS

    def w(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    tensors = {"token_embd.weight": w(n_vocab, DIM, scale=0.5),
               "output_norm.weight": 1.0 + w(DIM, scale=0.1)}
    for i in range(LAYERS):
        p = f"blk.{i}."
        tensors[p + "attn_norm.weight"] = 1.0 + w(DIM, scale=0.1)
        tensors[p + "attn_q.weight"] = w(HEADS * hd, DIM)
        tensors[p + "attn_k.weight"] = w(KV_HEADS * hd, DIM)
        tensors[p + "attn_v.weight"] = w(KV_HEADS * hd, DIM)
        tensors[p + "attn_output.weight"] = w(DIM, HEADS * hd)
        tensors[p + "attn_q_norm.weight"] = 1.0 + w(hd, scale=0.1)
        tensors[p + "attn_k_norm.weight"] = 1.0 + w(hd, scale=0.1)
        tensors[p + "ffn_norm.weight"] = 1.0 + w(DIM, scale=0.1)
        tensors[p + "ffn_gate.weight"] = w(FFN, DIM)
        tensors[p + "ffn_up.weight"] = w(FFN, DIM)
        tensors[p + "ffn_down.weight"] = w(DIM, FFN)
    tensors["output.weight"] = w(n_vocab, DIM, scale=0.5)
    for name, template in (("tiny-qwen3-chat.gguf", CHATML),
                           ("tiny-qwen3-chat-no-template.gguf", None)):
        writer = tm.VocabWriter(f"{outdir}/{name}", "qwen3")
        writer.add_name("tiny-qwen3-chat")
        writer.add_context_length(CTX)
        writer.add_embedding_length(DIM)
        writer.add_feed_forward_length(FFN)
        writer.add_block_count(LAYERS)
        writer.add_head_count(HEADS)
        writer.add_head_count_kv(KV_HEADS)
        writer.add_layer_norm_rms_eps(EPS)
        writer.add_rope_freq_base(BASE)
        writer.add_file_type(gguf.LlamaFileType.ALL_F32)
        tm.copy_tokenizer(vocab, writer, skip=("tokenizer.ggml.add_eos_token",
                                               "tokenizer.ggml.add_bos_token"))
        writer.add_add_eos_token(False)
        writer.add_add_bos_token(False)
        if template is not None:
            writer.add_chat_template(template)
        for tname, t in tensors.items():
            writer.add_tensor(tname, t)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()


def greedy(model_path: str, tokens_path: str, out_path: str, steps: int) -> None:
    r = gguf.GGUFReader(model_path)
    t = {}
    for tensor in r.tensors:
        shape = tuple(int(d) for d in reversed(tensor.shape))  # ggml ne -> numpy
        t[tensor.name] = np.asarray(tensor.data, dtype=np.float64).reshape(shape)
    kv = lambda key: r.fields[f"qwen3.{key}"].contents()
    with open(tokens_path) as f, open(out_path, "w") as out:
        for line in f:
            ids = [int(v) for v in line.split()]
            fields = []
            for _ in range(steps):
                h = tm.qwen3_forward(t, ids, int(kv("attention.head_count")),
                                     int(kv("attention.head_count_kv")),
                                     float(kv("attention.layer_norm_rms_epsilon")),
                                     float(kv("rope.freq_base")), causal=True)
                logits = t["output.weight"] @ h[-1]
                order = np.argsort(-logits)
                fields.append(f"{order[0]} {logits[order[0]] - logits[order[1]]:.9g}")
                ids.append(int(order[0]))
            out.write(" ".join(fields) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "greedy":
        greedy(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(__doc__)
