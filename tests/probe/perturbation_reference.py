# Independent reference of the typo and casing perturbation families (include/embeval/probe/perturbation.h):
# xoshiro256** seeded by splitmix64, Lemire multiply-shift below(), partial Fisher-Yates selection.
# tests/probe/perturbation_test.cpp pins its outputs; run: python3 tests/probe/perturbation_reference.py
import math
M=(1<<64)-1
class Rng:
    def __init__(s, seed):
        x=[seed]
        def sm():
            x[0]=(x[0]+0x9e3779b97f4a7c15)&M; z=x[0]
            z=((z^(z>>30))*0xbf58476d1ce4e5b9)&M; z=((z^(z>>27))*0x94d049bb133111eb)&M
            return z^(z>>31)
        s.s=[sm() for _ in range(4)]
    def next(s):
        rot=lambda v,k: ((v<<k)|(v>>(64-k)))&M
        s0,s1,s2,s3=s.s
        r=(rot((s1*5)&M,7)*9)&M; t=(s1<<17)&M
        s2^=s0; s3^=s1; s1^=s2; s0^=s3; s2^=t; s3=rot(s3,45)
        s.s=[s0,s1,s2,s3]; return r
    def below(s,n): return (s.next()*n)>>64
KB="qwsz vghn xdfv serfcx wrds drtgvc ftyhbv gyujnb uokj huikmn jiolm kop njk bhjm iplk ol wa etfd awedxz rygf yijh cfgb qesa zsdc tuhg asx".split()
def nb(c,r):
    n=KB[ord(c.lower())-97]; d=n[r.below(len(n))]; return d.upper() if c.isupper() else d
def typo(w,r):
    L=[i for i,c in enumerate(w) if c.isascii() and c.isalpha()]
    S=[i for i in L if i+1<len(w) and w[i+1].isascii() and w[i+1].isalpha() and w[i]!=w[i+1]]
    ops=(['swap'] if S else [])+['drop','insert','kb']
    op=ops[r.below(len(ops))]
    w=list(w)
    if op=='swap': i=S[r.below(len(S))]; w[i],w[i+1]=w[i+1],w[i]
    elif op=='drop': del w[L[r.below(len(L))]]
    elif op=='insert': i=L[r.below(len(L))]; w.insert(i+1,nb(w[i],r))
    else: i=L[r.below(len(L))]; w[i]=nb(w[i],r)
    return ''.join(w)
def casing(w,r):
    up=w.upper(); cap=w
    for i,c in enumerate(w):
        if c.isalpha(): cap=w[:i]+c.upper()+w[i+1:]; break
    pick=r.below(2)==0
    return up if (pick or cap==w) else cap
def run(text, fam, rate, seed):
    words=text.split(' ')
    if fam=='typo': E=[i for i,w in enumerate(words) if sum(c.isalpha() for c in w)>=3]
    if fam=='casing': E=[i for i,w in enumerate(words) if any(c.islower() for c in w)]
    k=min(len(E), math.ceil(rate*len(E)-1e-9))
    r=Rng(seed)
    for j in range(k):
        x=j+r.below(len(E)-j); E[j],E[x]=E[x],E[j]
    for i in sorted(E[:k]):
        words[i]= typo(words[i],r) if fam=='typo' else casing(words[i],r)
    return ' '.join(words)
def fnv(seed,fam,key):
    h=0xcbf29ce484222325
    for b in list(seed.to_bytes(8,'little'))+list(fam.encode())+[0]+list(key.encode()):
        h^=b; h=(h*0x100000001b3)&M
    return h
print(repr(run("copy files and directories","typo",1.0,7)))
print(repr(run("copy files and directories","typo",0.5,7)))
print(repr(run("Copy FILES and directories","casing",1.0,7)))
print(repr(run("copy files and directories","casing",0.5,11)))
print(fnv(42,"typo","q1"))
r=Rng(1); print([r.next() for _ in range(2)])
