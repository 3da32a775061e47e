/*
 * Skip the CA bundle that libgit2 parses at start-up. Linked into git-stats
 * and into each hook program (CMakeLists.txt), never into libgitstats.
 *
 * Why: Debian's libgit2 1.5.1 is built with mbedTLS, and git_libgit2_init()
 * parses the whole system bundle (/etc/ssl/certs/ca-certificates.crt,
 * ~140 certificates) with mbedtls_x509_crt_parse_file() before doing
 * anything else. That was ~54M instructions, 42% of a `git stats set` on
 * the store benchmark, and most of a hook program's run; libgit2 has no
 * option to skip it. git-stats never uses a network transport.
 *
 * How: these executables define and export (-Wl,--export-dynamic-symbol)
 * mbedtls_x509_crt_parse_file, so the dynamic linker binds libgit2's call
 * to this definition, which comes first in the lookup scope, instead of
 * libmbedx509's.
 *
 * Safety (fails closed): the stub loads no certificate and reports success,
 * so libgit2 installs an empty CA chain. Any HTTPS connection libgit2 made
 * would then fail certificate verification (nothing is trusted; libgit2
 * returns GIT_ECERTIFICATE unless a certificate_check callback accepts the
 * certificate, and git-stats installs none). Checked once by hand against
 * a local `openssl s_server` whose self-signed certificate was given to
 * libgit2 with GIT_OPT_SET_SSL_CERT_LOCATIONS (that option calls this
 * function too, and git-stats never sets it): without the stub libgit2
 * reports the certificate valid, with it invalid, and git_clone fails with
 * GIT_ECERTIFICATE. Any other library in these processes calling this
 * function would also get an empty chain; none does today (ldd: mbedTLS
 * is only libgit2's).
 *
 * With another TLS backend (OpenSSL, or libgit2 built without HTTPS) nobody
 * calls this symbol and the stub is dead code. Removing this file costs the
 * bundle parse again (~4-5 ms per command and per hook run here) and breaks
 * nothing. If git-stats ever needs HTTPS through libgit2, remove it.
 */

struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
