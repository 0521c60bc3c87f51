#pragma once
// Windows stand-ins for the POSIX calls the test suites use: fmemopen (the capture tests
// open in-memory captures) and popen/pclose with <sys/wait.h>'s status macros (the CLI
// tests run epmdump.exe). Force-included into the test programs of Windows builds only
// (see test_shims.cmake); the libraries and epmdump.exe never see it.
#ifdef _WIN32
#include <cstddef>
#include <cstdio>

// A read-only FILE* over a copy of `size` bytes at `buffer` (the copy is a temporary file
// that is deleted on fclose). Only the read modes the tests use ("r", "rb") are supported.
std::FILE* fmemopen(void* buffer, std::size_t size, const char* mode);

#ifndef popen
#define popen _popen
#define pclose _pclose
#endif
#endif
