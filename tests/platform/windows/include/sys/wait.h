#pragma once
/* Windows stand-in for <sys/wait.h> in the test programs: _pclose() returns the command's
   exit code itself, so it always "exited" and the status is the code. */
#define WIFEXITED(status) 1
#define WEXITSTATUS(status) (status)
#define WIFSIGNALED(status) 0
