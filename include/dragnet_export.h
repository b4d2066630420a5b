/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_export.h — Export: the whole graph or a query's result as typed CSV, JSON Lines, GraphML, GEXF, DOT or cytoscape.js JSON.
 * Included by dragnet.h; do not include it on its own.
 */
#ifndef DRAGNET_EXPORT_H
#define DRAGNET_EXPORT_H

#endif /* DRAGNET_EXPORT_H */
