// Planted for layers.unique_type_names_catches_planted: the same struct in two headers.
#pragma once
struct Planted {
  int a;
};
