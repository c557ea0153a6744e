/* kimage.h — what a kernel image is: a bzImage (its setup header, its compressed payload) or an ELF vmlinux,
 * and the release it names.  Pure functions over the image's bytes. */
#ifndef NSH_KIMAGE_H
#define NSH_KIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kimage_kind { KIMAGE_BZIMAGE, KIMAGE_ELF };

/* How a bzImage's payload is compressed, read from its first bytes; each has a decompressor program. */
enum kimage_codec { CODEC_NONE, CODEC_XZ, CODEC_GZIP, CODEC_ZSTD, CODEC_BZIP2, CODEC_LZMA, CODEC_LZ4, CODEC_UNKNOWN };

struct kimage_info {
	enum kimage_kind kind;
	size_t payload_offset, payload_length;   /* bzImage: the compressed vmlinux inside the file */
	enum kimage_codec codec;
	char release[65];                        /* "6.1.0-57-amd64"; empty when the image does not say */
};

/* Reads a bzImage's setup header (boot protocol 2.08 or later, for the payload fields) or an ELF header.
 * 0, or -1 with the reason in err (not a kernel image, too old a boot protocol, a payload outside the file). */
int kimage_inspect(const uint8_t *img, size_t len, struct kimage_info *out, char *err, size_t errlen);

/* The program that decompresses a codec's stream to stdout ("xz", "gzip", ...), or NULL. */
const char *kimage_codec_tool(enum kimage_codec c);
const char *kimage_codec_name(enum kimage_codec c);

/* Whether an ELF vmlinux carries the Xen PVH entry note (CONFIG_PVH): QEMU boots an ELF only through it. */
bool kimage_elf_has_pvh(const uint8_t *img, size_t len);

#endif
