#pragma once
// Secrets typed on the command line (-U USER%PASSWORD, --nt-hash HEX), taken out of argv before
// anything parses it: the process's own argv bytes (what /proc/PID/cmdline shows) are
// overwritten, so other users see no more than "-U USER" and a masked hash.
#include <epmdump/auth/secret.hpp>

#include <cstddef>

namespace epmdump::app {

struct argv_secrets
{
    auth::secret password;       // after the first '%' of -U's value
    bool password_given = false; // "-U user%" gives an empty password
    auth::secret nt_hash;        // --nt-hash's value as typed (hex text)
    bool nt_hash_given = false;
    bool any() const noexcept { return password_given || nt_hash_given; }
};

// Takes the secrets out of argv words before "--" (-U V, -UV, --user V, --user=V; --nt-hash V,
// --nt-hash=V): "%PASSWORD" is overwritten with NUL bytes (the word ends at the user), the hash
// with 'x'. Words already taken leave `into` as it is, so a second pass over a copy is harmless.
void take_argv_secrets(int argc, char** argv, argv_secrets& into);

// Overwrites n bytes with `with` in a way the compiler keeps (a copy of a secret must not outlive
// its use; argv's bytes are read by the kernel, not by us).
void overwrite(void* p, std::size_t n, char with = '\0') noexcept;

} // namespace epmdump::app
