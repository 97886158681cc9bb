/* Embedded RSA test keys (512, 1024, 2048 bits).

   These are TEST KEYS, generated once on 2026-11-22 with
   "openssl genrsa -out kN.pem N" (OpenSSL 3.0) for secsim, and published
   here: they protect nothing.  They are embedded rather than generated at
   run time because OpenSSL cannot generate an RSA key from a fixed seed,
   and a fixed key makes PKCS#1 v1.5 signatures (deterministic) usable as
   known answers in tests/test_crypto.c. */
#include "crypto-internal.h"

static const char key512[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAyTsTjdH3sWsldXTT\n"
	"Fc2lBJKc8SU1Tsje7ATTKeNAx69NGyFs9L1jWH0g7L7b8KYkuXqj/g86Dx1y91c4\n"
	"GkbQcQIDAQABAkEAiF3cdnMfo7+0dtBga5ochejFKjXI1kcRqmfqoaw7LhXOCc+2\n"
	"dVP7ODzMzMKu1yfwguYWboMMDOfBO2y9vgKEMQIhAOy6lrEywhTuj3AP4CjkEdrI\n"
	"pciKQl4JfLZ8hdsHCUprAiEA2Zy1zVIwJj9djn/E+GS7iJHeU2/HokPQMqx+ccmS\n"
	"f5MCIEVr9pMicn4W86OGVFNJht7lJpDn0sym9ZbCb7KqnpPfAiB9NfNRoaG80Cb3\n"
	"0EK4ndVd/niLT7zxe8126tOSi2Y06wIhAKn1B3g9x2jRF52P8avj/XA+LXR7UMGA\n"
	"v4vsKuVFUhTF\n"
	"-----END PRIVATE KEY-----\n"
;

static const char key1024[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAM6CgKgti6qWE4HO\n"
	"2B3XNdOu3g+wNwi4jX86pXHUERdpeAWlX71wbaQ5InIIIZsoFCY/MdD2DK9E1DtR\n"
	"1LRufG1DqiAkq9NGk3DpymzSqb9NgBE8qIg/7dcRXEHoLb3qaUg3W7HEWRix5oh7\n"
	"q1zy6W8lElhA1atVbW32FwWtqpzbAgMBAAECgYAMkcrs8aC/qFTVoNZsso23Lbyc\n"
	"bdhbsogCR3qMfCDyMNw6U7+JE0/JICUllbMd84mObmhE1MUe4eydE7UDqnnuPKKc\n"
	"mrdjBUYOUF34yQ5uejTNdzcF986Me38QenupAQO3cXkm97LNHk+jh7F1AyydLMi2\n"
	"bgzoI1FOpKl4VyK/YQJBAOnfyhb3KsesBONJwi5eqYX4DQeqaupPAg+sx0n3MI3k\n"
	"UnYketqkm+VTarrQq5PksfqYVupkuESEMmQYg3nTOjECQQDiC/krSqfPwu6Y71x5\n"
	"Fq7MpcBOocC9GpwksNQLfysxN9rJ117nibGLg+qlxcpLmNX6B9JPvsiRG2vVPm2g\n"
	"jPjLAkEA3xRHf4BjnfHG98XzIqfIq7DfPOCg+r5CCRGVRkgyWCXhQi+pv8Qjr6rR\n"
	"s0A3aOpLmeyVex53ZWNzbWa0gg+pAQJAcFFquawavg0p6SvmUvSGXoFtkKSm1E/I\n"
	"jiKe+idyGr6aI/iz23B7m8ssaLpizjVe/SGtypoNpqxtZEPkzQW/CQJABiwMY/KV\n"
	"uXJdfJZpquUlYvgANiDLrj1Vy/gePb+GTx5QD6LJQzHH4dm1YbkhFSQswLOePlWc\n"
	"V7NHBsUVaPlIcw==\n"
	"-----END PRIVATE KEY-----\n"
;

static const char key2048[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQClpU/fTxYf3oKa\n"
	"XwWemfSUA2B78K+fA5eshiUAwgH3KTDeGfNUUle5D6mYKueT8Xt2DBUechOV7FrV\n"
	"VqRAfL4/mG+hDKgkLvETQ9SqZIeOIbOGrmN68DECjQ+GHzud5fShzSG0hBQiGQhB\n"
	"ibVOaGcOdHR+Xt0Zefbw6qraZRs7xYnMptymIVTuMY7aCHEIMCtjtYH6YZDWkrzy\n"
	"LmyGjsNO7FjdHSI6X3BlSlVZeMWmGV4R2saVM7MWyksZIUURgg+d2CJBc9M9xdiJ\n"
	"EBZsvCYAVFgCnsMrpuGiKKSEc4xAaHOxBCHJqgnrQcpdh9bocfYvBOs/OcL6ZwNQ\n"
	"VPw5hDsFAgMBAAECggEAIP/N6a7XuYGagyZq+C2zi8kgb5CDbCpLDROsS3pa6eJK\n"
	"2fRRhXrh/vwfzTC+8bop3lqJ2obfX/62Gcoo7q/rNsAnfO4IkSzI2g2pUEi2uJn+\n"
	"KdaT+une2aNAdHfEaLBnC9TR4iRt3l0eR/AnLneeEEMi8gn0Ah9KErStVNTPmBhw\n"
	"QaaWRWMdL0uz9IjSVzCSfDwxmFdXfCXpYB9eWbeUmokS/ZH35WwYqrGRjTtmQzpM\n"
	"XTjN7d1t/GL3nuhZ1d9GAnW5WpKqRMkvPzjdq2//ZEXZ9YohFeqp0kgi+6gzf1wH\n"
	"U8kegytrfxd2clxZtAAJAFOTFQdW335O8ThdkUqEAQKBgQDVYSqCZMfdCOX/tAkJ\n"
	"ZQz12uHA2dtDCKC2k6TjW6ZLU9qvG57qHQkWMmB1IV4b6L9iGDGTaxy1H8UTFzUX\n"
	"FvrYWfSkO1Y6P17rMHzGzESUDVoPSMg99TKUZ75sF6drkLFq6lbv5gjKkIixmxjZ\n"
	"2/6Qz9YgdAxASO9HUU+ex38ZRwKBgQDGu1oAS4S2R6F0ynP51UbIu/2FvneP7p+4\n"
	"cnG4/U01HZ/USs69TZKgBsqTsZNg+3VJUWcZTuL+trAe32nP5VR5HRIBeBN2ps4Q\n"
	"UYOvit2h3Yqh6hJP4OP+OrC0lf1mL2kZaDyFugX6wZElHaw9+6Hi2tuWi+oj0GzI\n"
	"3kAOMn0vUwKBgQCkkHuodPFvlx1LSB5wEG8ebeEOSva/jDfml5fjgRuPnOxbgIHf\n"
	"LOWFKPUbYNCj1a1EikQx3boWNppXTt6zIBX2Jep3fwvRgG5EFPEmoQOC64k5oHhO\n"
	"0Hxh2GEUHGoSm1U5j+HcwxyknTPPRj60Rubd6GzMOrP4IEfqSNuPKWzsoQKBgHFs\n"
	"6yBx+cwDtC4xguIcDWtyiG92V01KF9UxVKENyaxAPUHwdHDtPnuhhKupVYGr47Q2\n"
	"Bs8WDE7uvDTStNTYgk8h/W3jN9CnwcLkk3F0o6zIAmEJdOwsYlRu8P4RAXD6LFU4\n"
	"/hohI1qMcigp+G3kGfCdk2kocDmCsyQuXYb84CBLAoGAHzasuGDDiCL6paPlSXaR\n"
	"2vFYs4tq9g0O1tQxZU05jLOOzDgne4bZDLcZCFVjCe8Ztpo6W0xnGuWWZ57vMR2g\n"
	"3MHkmMoWlp7Wqf0a1hq5Owc+eZyjab1swPk7t4JNHNFAqCyUJdaNzhG6Ba6KzOlq\n"
	"Vqg8B/gU1f9esTS86xV83l8=\n"
	"-----END PRIVATE KEY-----\n"
;

const char *ss__crypto_test_key_pem(unsigned bits)
{
	switch (bits) {
	case 512:
		return key512;
	case 1024:
		return key1024;
	case 2048:
		return key2048;
	default:
		return NULL;
	}
}
