// Planted: a test helper next to the tests (names no layer).
#pragma once
