// Planted: a core header, included from core itself (allowed).
#pragma once
