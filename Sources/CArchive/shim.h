#include <archive.h>
#include <archive_entry.h>
#if defined(__linux__)
#include <malloc.h>
#endif
