/* kernel.h: -include for conformance kernel code: hidden visibility, RIP-relative references. */
#ifndef CONF_KERNEL_H
#define CONF_KERNEL_H

#pragma GCC visibility push(hidden)

#endif
