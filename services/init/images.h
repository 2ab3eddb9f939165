/*
 * The service programs embedded in init's own image (services/init/gen/images.S, made by the
 * build from each service's ELF): looked up by name. The bytes are untrusted input all the same:
 * the loader checks them as strictly as any other ELF.
 */
#ifndef INIT_IMAGES_H
#define INIT_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The image of the service called name; false when init carries none. */
bool images_find(const char *name, const uint8_t **bytes, size_t *size);

#endif
