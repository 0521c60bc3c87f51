#pragma once
// The epmdump version these headers belong to. lib/epmdump/CMakeLists.txt checks that it
// agrees with project(VERSION). EPMDUMP_VERSION_NUMBER is major * 10000 + minor * 100 + patch.

#define EPMDUMP_VERSION_MAJOR 0
#define EPMDUMP_VERSION_MINOR 1
#define EPMDUMP_VERSION_PATCH 0
#define EPMDUMP_VERSION_NUMBER (EPMDUMP_VERSION_MAJOR * 10000 + EPMDUMP_VERSION_MINOR * 100 + EPMDUMP_VERSION_PATCH)
#define EPMDUMP_VERSION_STRING "0.1.0"
