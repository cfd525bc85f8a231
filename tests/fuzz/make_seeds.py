#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets: tests/fuzz/seeds/<reader>/ (docs/fuzzing.md).

  make_seeds.py [LLAMA_SOURCE_DIR]

Seeds are small valid files of each format plus inputs that once broke a reader. They are
committed; rerun this only to change them. With LLAMA_SOURCE_DIR (llama.cpp's source, for
gguf-py) the GGUF seeds are rebuilt too. Plain python3 (+ numpy for gguf-py).
"""
import gzip
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "seeds")
DATA = os.path.join(HERE, "..", "data")
RS = b"\x1e"  # separates the files of a multi-file input (beir, manpages)


# Seeds that fail on an open bug go to known/<reader>/ instead (known/README.md).
KNOWN = {("word2vec_binary", "huge-dim.bin"), ("wink", "second-dimensions.json"),
         ("roff", "ds-bomb.1"), ("manpages", "ds-bomb"), ("gguf", "duplicate-vocab.gguf"),
         ("gguf", "no-sep-token.gguf")}


def seed_path(reader, name):
    folder = os.path.join(HERE, "known" if (reader, name) in KNOWN else "seeds", reader)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


def put(reader, name, content):
    if isinstance(content, str):
        content = content.encode()
    with open(seed_path(reader, name), "wb") as f:
        f.write(content)


def read(path):
    with open(os.path.join(DATA, path), "rb") as f:
        return f.read()


CORPUS = (b'{"_id": "d1", "title": "Cats", "text": "Cats purr and sleep."}\n'
          b'{"_id": "d2", "title": "", "text": "Dogs bark at the mail carrier."}\n'
          b'{"_id": 3, "text": "An integer id, no title."}\n')
QUERIES = b'{"_id": "q1", "text": "why do cats purr"}\n{"_id": "q2", "text": "dogs"}\n'
QRELS_TSV = b"query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td2\t1\nq2\t3\t0\n"


def jsonl():
    put("jsonl", "corpus.jsonl", CORPUS)
    put("jsonl", "crlf-blank-bom.jsonl", b'\xef\xbb\xbf{"_id": "a", "text": "x"}\r\n\r\n  \n{"_id": "b"}\r\n')
    put("jsonl", "invalid-utf8.jsonl", b'{"_id": "a", "text": "caf\xe9 \xc3\x28"}\n')
    put("jsonl", "types.jsonl", b'{"_id": "a", "text": null, "title": 5, "x": {"y": [1, 2]}}\n'
        b'{"_id": 18446744073709551616}\n{"_id": -1}\n{"_id": ""}\n[1]\n')
    put("jsonl", "escapes-dupkeys.jsonl", b'{"_id": "a\\u0000b", "text": "\\ud800", "text": "2"}\n'
        b'{"_id": "a\\nb", "text": "tab\\there"}\n')


def beir():
    put("beir", "small", CORPUS + RS + QUERIES + RS + QRELS_TSV)
    put("beir", "huge-grade-unknown-ids", CORPUS + RS + QUERIES + RS +
        b"query-id\tcorpus-id\tscore\nq1\td1\t2147483647\nq1\tnope\t1\nqx\td1\t1\nq2\td2\t-1\n")
    put("beir", "duplicate-ids-no-header", CORPUS + CORPUS + RS + QUERIES + RS + b"q1\td1\t1\n")
    put("beir", "empty-query", CORPUS + RS + b'{"_id": "q1", "text": ""}\n' + RS + QRELS_TSV)


def qrels():
    put("qrels", "trec.txt", read("eval/qrels.txt"))
    put("qrels", "beir.tsv", read("eval/qrels.tsv"))
    put("qrels", "hostile.txt", b"1 0 d1 2147483647\n1 0 d2 -2147483648\n2 0 d1 1\n2 0 d1 2\n")
    put("qrels", "hostile.tsv", b"query-id\tcorpus-id\tscore\nq1\td1\t99999999999\nq1\t\t1\n"
        b"q2\td2\t1.5\nq3\td3\n")


def trec_run():
    put("trec_run", "run.txt", read("eval/run.txt"))
    put("trec_run", "hostile.txt", b"1 Q0 d1 1 nan r\n1 Q0 d1 2 0.5 r\n1 Q0 d2 1 1e309 r\n"
        b"2 Q0 d3 1 -0 r\n2 Q0\n3\tQ0\td4\t1\t0.25\tr\n")


def npy_file(descr, shape, payload, version=1, fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape)
    head_len = 10 if version == 1 else 12
    pad = (64 - (head_len + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    out = b"\x93NUMPY" + bytes([version, 0])
    out += struct.pack("<H" if version == 1 else "<I", len(header))
    return out + header.encode("latin1" if version < 3 else "utf8") + payload


def npy():
    f32 = struct.pack("<6f", 0.5, -1, 2, 3.25, 0, 1e-3)
    put("npy", "f32-2x3.npy", npy_file("<f4", "(2, 3)", f32))
    put("npy", "f16-2x2-v2.npy", npy_file("<f2", "(2, 2)", struct.pack("<4e", 1, -2, 0.5, 65504), 2))
    put("npy", "f32-v3.npy", npy_file("<f4", "(1, 2)", struct.pack("<2f", 1, 2), 3))
    put("npy", "fortran.npy", npy_file("<f4", "(2, 3)", f32, fortran=True))
    put("npy", "one-d.npy", npy_file("<f4", "(6,)", f32))
    put("npy", "huge-shape.npy", npy_file("<f4", "(4294967296, 4294967296)", f32))
    put("npy", "nan.npy", npy_file("<f4", "(1, 2)", struct.pack("<2f", float("nan"), 1)))


TEXT_VECTORS = "the 0.1 0.2 -0.3\ncat 1 0 0.5\ndog -1e-3 2 3\n"


def word_vectors():
    put("word2vec_text", "small.txt", "3 3\n" + TEXT_VECTORS)
    put("word2vec_text", "count-too-small.txt", "2 3\n" + TEXT_VECTORS)
    put("word2vec_text", "hostile.txt", "3 3\nthe 0.1 0.2 nan\nthe 1 2 3\n\xc3\x28 1 2 3\n 1 2 3\n")
    put("word2vec_text", "huge-header.txt", "2147483647 2147483647\nthe 1 2\n")
    put("glove", "glove.txt", TEXT_VECTORS)
    put("glove", "word2vec-header.txt", "3 3\n" + TEXT_VECTORS)
    put("glove", "ragged.txt", "the 1 2 3\ncat 1 2\ndog 1e400 2 3\n")
    put("fasttext", "small.vec", "3 3\n" + TEXT_VECTORS.replace("\n", " \n"))
    put("fasttext", "crlf.vec", ("3 3\r\n" + TEXT_VECTORS).replace("\n", "\r\n"))

    def binary(words, dim, count=None, newline=True):
        out = ("%d %d\n" % (len(words) if count is None else count, dim)).encode()
        for i, w in enumerate(words):
            out += w.encode() + b" " + struct.pack("<%df" % dim, *[i + 0.5 * j for j in range(dim)])
            if newline:
                out += b"\n"
        return out
    put("word2vec_binary", "small.bin", binary(["the", "cat", "dog"], 4))
    put("word2vec_binary", "no-newlines.bin", binary(["the", "cat"], 2, newline=False))
    put("word2vec_binary", "count-too-small.bin", binary(["the", "cat", "dog"], 4, count=2))
    put("word2vec_binary", "huge-dim.bin", b"1 2147483647\nthe " + b"\0" * 16)
    put("word2vec_binary", "text-named-bin.bin", "3 3\n" + TEXT_VECTORS)

    wink = ('{"precision": 8, "l2NormIndex": 2, "wordIndex": 3, "size": 2, "dimensions": 2, '
            '"words": ["the", "cat"], "vectors": {"the": [0.5, -0.5, 0.7071, 0], '
            '"cat": [1, 0, 1, 1]}, "unkVector": [0, 0, 0, 0]}')
    put("wink", "small.json", wink)
    # Issue 10: a second "dimensions" after "vectors" made load_wink_vectors over-read the heap.
    put("wink", "second-dimensions.json", wink[:-1] + ', "dimensions": 4000}')
    put("wink", "short-rows.json", wink.replace('[1, 0, 1, 1]', '[1]'))
    put("wink", "size-lies.json", wink.replace('"size": 2', '"size": 2147483647'))


MDOC = b""".Dd January 1, 2024
.Dt FROB 1
.Os
.Sh NAME
.Nm frob
.Nd frobnicate mdoc style
.Sh SYNOPSIS
.Nm
.Op Fl v
.Ar file ...
.Sh DESCRIPTION
.Bl -tag -width Ds
.It Fl v
Verbose.
.El
.Sh SEE ALSO
.Xr ls 1 ,
.Xr wobble 8
"""
# Issue 10: 592 bytes that double a .ds string 40 times exhausted memory.
DS_BOMB = b".TH BOMB 1\n.SH NAME\nbomb \\- doubles a string\n.ds a xxxxxxxxxxxxxxxx\n" + b"".join(
    b".ds a \\*a\\*a\n" for _ in range(40)) + b".SH DESCRIPTION\n\\*a\n"
MACRO_LOOP = b".TH LOOP 1\n.de xx\n.xx\n..\n.xx\n.SH NAME\nloop \\- recursion\n"


def roff():
    for name in ("frob.1", "frobnicate.1", "wobble.8"):
        put("roff", name, read("dataset/" + name))
    put("roff", "mdoc.1", MDOC)
    put("roff", "ds-bomb.1", DS_BOMB)
    put("roff", "macro-loop.1", MACRO_LOOP)
    put("roff", "escapes.1", b".TH ESC 1\n.SH NAME\nesc \\- \\(em \\[u00E9] \\f(BIbold\\fP \\s+2x\\s0 \\\n"
        b".SH SEE ALSO\n\\fBcp\\fR(1), \\%mv (1)\n.if n \\{\\\n.ie t x\n.el y\n\\}\n\\w'abc'\\n(.l\n")


def manpages():
    frob, wobble = read("dataset/frob.1"), read("dataset/wobble.8")
    put("manpages", "plain", frob + RS + wobble)
    put("manpages", "gzip", gzip.compress(frob, mtime=0) + RS + gzip.compress(wobble, mtime=0))
    put("manpages", "gzip-two-members", gzip.compress(frob[:100], mtime=0) +
        gzip.compress(frob[100:], mtime=0))
    put("manpages", "so-redirect", b".so man8/b.8\n" + RS + wobble)
    put("manpages", "ds-bomb", DS_BOMB + RS + MDOC)
    put("manpages", "gzip-1MiB-zeros", gzip.compress(b"\0" * (1 << 20), mtime=0))
    put("manpages", "gzip-truncated", gzip.compress(frob, mtime=0)[:200])


def specs():
    for i, s in enumerate(["bm25", "bm25?k1=0.9&b=0.4", "bm25?k1=1e100&b=2", "bm25?analyzer=standard",
                           "bm25?analyzer=english&k1=-1", "static:vectors.txt?pooling=sif",
                           "gguf:models/bge.gguf?pooling=mean&prefix=query%3A%20",
                           "%62m25?%6b1=1", "bm25?k1", "bm25?=1&&b=", ":x", "bm25:x?k1=nan",
                           "bm25?k1=0.9&k1=1.2", "unknown?x=%zz"]):
        put("model_spec", "spec%02d" % i, s)
    for i, s in enumerate(["flat", "FLAT", "flat_f16", "flat_int8", "hnsw?M=32&efConstruction=200&efSearch=64",
                           "HNSW?M=2&efConstruction=1&efSearch=1", "ivf_flat?nlist=16&nprobe=4",
                           "ivf_sq8?nlist=auto&nprobe=2", "ivf_pq?nlist=8&m=4&nbits=4&nprobe=8",
                           "ivf_pq?nlist=16777216&m=65536&nbits=12", "binary?rescore=10&pad=1",
                           "binary_ivf?nlist=4&nprobe=99999999999999999999&rescore=1000",
                           "hnsw?M=512&efSearch=65536", "ivf_flat?nlist=-1", "ivf_flat?nprobe=0x10"]):
        put("index_spec", "spec%02d" % i, s)


def gguf(llama_source):
    sys.path.insert(0, os.path.join(llama_source, "gguf-py"))
    import gguf as g  # noqa: E402 (gguf-py from the pinned llama.cpp source)
    import numpy as np
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s", "a"]

    def bert(path, block_count=1, eps=1e-12, pooling=1, vocab=tokens, weights=False, sep=True):
        w = g.GGUFWriter(path, "bert")
        w.add_name("tiny")
        w.add_context_length(16)
        w.add_embedding_length(4)
        w.add_block_count(block_count)
        w.add_feed_forward_length(8)
        w.add_head_count(1)
        w.add_layer_norm_eps(eps)
        w.add_causal_attention(False)
        w.add_uint32("bert.pooling_type", pooling)
        w.add_tokenizer_model("bert")
        w.add_token_list(vocab)
        w.add_token_types([3, 2, 3, 3] + [1] * (len(vocab) - 4))
        w.add_unk_token_id(1)
        w.add_bos_token_id(2)
        w.add_eos_token_id(3)
        if sep:
            w.add_sep_token_id(3)
        w.add_pad_token_id(0)
        if weights:
            w.add_tensor("token_embd.weight", np.zeros((len(vocab), 4), dtype=np.float32))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
    bert(seed_path("gguf", "vocab.gguf"))
    bert(seed_path("gguf", "one-tensor.gguf"), weights=True)
    # Issue 10: values ggml accepts but llama.cpp asserted on.
    bert(seed_path("gguf", "block-count-0.gguf"), block_count=0)
    bert(seed_path("gguf", "negative-eps.gguf"), eps=-1.0)
    bert(seed_path("gguf", "pooling-99.gguf"), pooling=99)
    bert(seed_path("gguf", "duplicate-vocab.gguf"), vocab=tokens[:-1] + ["hello"])
    bert(seed_path("gguf", "no-sep-token.gguf"), sep=False)  # llama.cpp asserted when tokenizing


def bitext_pairs():
    put("bitext_pairs", "pairs.tsv", "the house\tdas Haus\nsun\tSonne\n")
    put("bitext_pairs", "crlf-bom.tsv", b"\xef\xbb\xbfcaf\xc3\xa9\tKaffee\r\nwater\tWasser\r\n")
    put("bitext_pairs", "empty-side.tsv", "a\tb\n\tc\n")


jsonl()
beir()
qrels()
bitext_pairs()
trec_run()
npy()
word_vectors()
roff()
manpages()
specs()
if len(sys.argv) > 1:
    gguf(sys.argv[1])
