// Planted: an internal util header.
#pragma once
