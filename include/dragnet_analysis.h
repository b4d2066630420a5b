/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_analysis.h — Network analysis: projections into igraph and the algo.* procedures (DESIGN §5).
 * Included by dragnet.h; do not include it on its own.
 */
#ifndef DRAGNET_ANALYSIS_H
#define DRAGNET_ANALYSIS_H

#endif /* DRAGNET_ANALYSIS_H */
