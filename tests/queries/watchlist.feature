# SPDX-License-Identifier: GPL-2.0-or-later
# A watchlist of persons (LISTS {since, reason}) against trader directors and
# acquaintances: exposure of traders, associates of listed persons, listing
# and delisting with MERGE, CREATE and DELETE.
Feature: Watchlist screening

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (w:Watchlist {name: 'WL'}),
             (p1:Person {name: 'Anna', passport: 'P1', nationality: 'NL'}),
             (p2:Person {name: 'Boris', passport: 'P2', nationality: 'RU'}),
             (p3:Person {name: 'Carla', passport: 'P3', nationality: 'CO'}),
             (p4:Person {name: 'Dmitri', passport: 'P4', nationality: 'RU'}),
             (w)-[:LISTS {since: date('2023-05-01'), reason: 'smuggling'}]->(p2),
             (w)-[:LISTS {since: date('2024-01-15'), reason: 'fraud'}]->(p3),
             (t1:Trader {tin: 'T1'}), (t2:Trader {tin: 'T2'}), (t3:Trader {tin: 'T3'}),
             (p1)-[:DIRECTOR_OF]->(t1), (p2)-[:DIRECTOR_OF]->(t1), (p3)-[:DIRECTOR_OF]->(t2),
             (p4)-[:DIRECTOR_OF]->(t3),
             (p1)-[:KNOWS]->(p4), (p4)-[:KNOWS]->(p2)
      """

  Scenario: Traders with a watchlisted director
    When executing query:
      """
      MATCH (:Watchlist)-[:LISTS]->(p:Person)-[:DIRECTOR_OF]->(t:Trader)
      RETURN t.tin, p.name
      """
    Then the result should be, in any order:
      | t.tin | p.name  |
      | 'T1'  | 'Boris' |
      | 'T2'  | 'Carla' |
    And no side effects

  Scenario: Traders without a watchlisted director
    When executing query:
      """
      MATCH (t:Trader)
      WHERE NOT (t)<-[:DIRECTOR_OF]-(:Person)<-[:LISTS]-(:Watchlist)
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T3'  |
    And no side effects

  Scenario: Unlisted associates within two acquaintance hops of a listed person
    When executing query:
      """
      MATCH (w:Watchlist)-[:LISTS]->(x:Person)-[:KNOWS*1..2]-(p:Person)
      WHERE NOT (w)-[:LISTS]->(p)
      RETURN DISTINCT p.name
      """
    Then the result should be, in any order:
      | p.name   |
      | 'Dmitri' |
      | 'Anna'   |
    And no side effects

  Scenario: Persons listed before 2024
    When executing query:
      """
      MATCH (:Watchlist)-[r:LISTS]->(p:Person)
      WHERE r.since < date('2024-01-01')
      RETURN p.name, r.since.year AS year
      """
    Then the result should be, in any order:
      | p.name  | year |
      | 'Boris' | 2023 |
    And no side effects

  Scenario: Reasons for listing
    When executing query:
      """
      MATCH (:Watchlist)-[r:LISTS]->()
      RETURN collect(r.reason) AS reasons
      """
    Then the result should be (ignoring element order for lists):
      | reasons                |
      | ['smuggling', 'fraud'] |
    And no side effects

  Scenario: Listed persons per nationality
    When executing query:
      """
      MATCH (p:Person)
      OPTIONAL MATCH (w:Watchlist)-[:LISTS]->(p)
      RETURN p.nationality AS nat, count(w) AS listed
      ORDER BY nat
      """
    Then the result should be, in order:
      | nat  | listed |
      | 'CO' | 1      |
      | 'NL' | 0      |
      | 'RU' | 1      |
    And no side effects

  Scenario: Exposure of each trader to listed directors
    When executing query:
      """
      MATCH (t:Trader)<-[:DIRECTOR_OF]-(p:Person)
      RETURN t.tin AS tin, count(p) AS directors,
             sum(CASE WHEN exists((p)<-[:LISTS]-(:Watchlist)) THEN 1 ELSE 0 END) AS listed
      ORDER BY tin
      """
    Then the result should be, in order:
      | tin  | directors | listed |
      | 'T1' | 2         | 1      |
      | 'T2' | 1         | 1      |
      | 'T3' | 1         | 0      |
    And no side effects

  Scenario: Persons with acquaintances, counted once
    When executing query:
      """
      MATCH (p:Person)-[:KNOWS]-(:Person)
      WITH DISTINCT p
      RETURN count(p) AS n
      """
    Then the result should be, in any order:
      | n |
      | 3 |
    And no side effects

  Scenario: All shortest connections between two persons
    When executing query:
      """
      MATCH (a:Person {name: 'Anna'}), (c:Person {name: 'Carla'})
      MATCH p = allShortestPaths((a)-[*]-(c))
      RETURN length(p) AS hops, [n IN nodes(p) | coalesce(n.name, n.tin)] AS via
      """
    Then the result should be, in any order:
      | hops | via                                   |
      | 4    | ['Anna', 'Dmitri', 'Boris', 'WL', 'Carla'] |
      | 4    | ['Anna', 'T1', 'Boris', 'WL', 'Carla']     |
    And no side effects

  Scenario: No acquaintance chain to a person outside the circle
    When executing query:
      """
      MATCH (a:Person {name: 'Anna'}), (c:Person {name: 'Carla'})
      MATCH p = shortestPath((a)-[:KNOWS*]-(c))
      RETURN p
      """
    Then the result should be empty
    And no side effects

  Scenario: Friends of friends along the direction of KNOWS
    When executing query:
      """
      MATCH (:Person {name: 'Anna'})-[:KNOWS]->()-[:KNOWS]->(fof:Person)
      RETURN fof.name
      """
    Then the result should be, in any order:
      | fof.name |
      | 'Boris'  |
    And no side effects

  Scenario: Listing a new person with MERGE
    When executing query:
      """
      MATCH (w:Watchlist), (p:Person {passport: 'P4'})
      MERGE (w)-[r:LISTS]->(p)
      ON CREATE SET r.since = date('2024-06-01'), r.reason = 'associate'
      RETURN r.reason, r.since
      """
    Then the result should be, in any order:
      | r.reason    | r.since      |
      | 'associate' | '2024-06-01' |
    And the side effects should be:
      | +relationships | 1 |
      | +properties    | 2 |

  Scenario: Listing an already listed person with MERGE changes nothing
    When executing query:
      """
      MATCH (w:Watchlist), (p:Person {passport: 'P2'})
      MERGE (w)-[r:LISTS]->(p)
      ON CREATE SET r.since = date('2024-06-01'), r.reason = 'associate'
      RETURN r.reason
      """
    Then the result should be, in any order:
      | r.reason    |
      | 'smuggling' |
    And no side effects

  Scenario: Delisting a person
    When executing query:
      """
      MATCH (:Watchlist)-[r:LISTS]->(:Person {passport: 'P3'})
      DELETE r
      """
    Then the result should be empty
    And the side effects should be:
      | -relationships | 1 |
      | -properties    | 2 |

  Scenario: Listing several passports for review
    When executing query:
      """
      UNWIND ['P1', 'P4', 'P9'] AS pp
      MATCH (w:Watchlist), (p:Person {passport: pp})
      CREATE (w)-[:LISTS {reason: 'review'}]->(p)
      """
    Then the result should be empty
    And the side effects should be:
      | +relationships | 2 |
      | +properties    | 2 |

  Scenario: Watchlist size after listing, in one statement
    When executing query:
      """
      MATCH (w:Watchlist), (p:Person {passport: 'P1'})
      CREATE (w)-[:LISTS {reason: 'review'}]->(p)
      WITH w
      MATCH (w)-[:LISTS]->(x)
      RETURN count(x) AS listed
      """
    Then the result should be, in any order:
      | listed |
      | 3      |
    And the side effects should be:
      | +relationships | 1 |
      | +properties    | 1 |
