// Planted: an internal io header.
#pragma once
