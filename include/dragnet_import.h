/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_import.h — Import: typed CSV (neo4j-admin headers), JSON Lines and mapping files into a database (docs/IMPORT_EXPORT.md).
 * Included by dragnet.h; do not include it on its own.
 */
#ifndef DRAGNET_IMPORT_H
#define DRAGNET_IMPORT_H

#endif /* DRAGNET_IMPORT_H */
