/*
 * chc/export.h - marks the symbols that libchc exports. Everything else is
 * hidden (the library is built with -fvisibility=hidden).
 */
#ifndef CHC_EXPORT_H
#define CHC_EXPORT_H

#if defined(CHC_BUILDING_LIBRARY)
#define CHC_API __attribute__((visibility("default")))
#else
#define CHC_API
#endif

#endif /* CHC_EXPORT_H */
