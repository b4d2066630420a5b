# SPDX-License-Identifier: GPL-2.0-or-later
# shortestPath / allShortestPaths between suspects whose ends are bound by an
# earlier MATCH, and variable-length reachability.
Feature: Paths between suspects

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (a:Person {name: 'Ada'}), (b:Person {name: 'Ben'}), (c:Person {name: 'Cem'}),
             (d:Person {name: 'Dov'}), (e:Person {name: 'Eli'}), (x:Person {name: 'Xan'}),
             (ph1:Phone {number: '111'}), (ph2:Phone {number: '222'}),
             (ad:Address {street: 'Pier 4'}), (t:Trader {tin: 'T9', name: 'Nine Ltd'}),
             (a)-[:USES_PHONE]->(ph1), (b)-[:USES_PHONE]->(ph1),
             (a)-[:LIVES_AT]->(ad), (c)-[:LIVES_AT]->(ad),
             (b)-[:DIRECTOR_OF]->(t), (c)-[:DIRECTOR_OF]->(t),
             (d)-[:USES_PHONE]->(ph2), (c)-[:USES_PHONE]->(ph2),
             (e)-[:KNOWS]->(d)
      """

  Scenario: Shortest path between two suspects, returned whole
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (c:Person {name: 'Cem'})
      MATCH p = shortestPath((a)-[*]-(c))
      RETURN p
      """
    Then the result should be, in any order:
      | p                                                                                                   |
      | <(:Person {name: 'Ada'})-[:LIVES_AT]->(:Address {street: 'Pier 4'})<-[:LIVES_AT]-(:Person {name: 'Cem'})> |
    And no side effects

  Scenario: Length of the shortest path between Ada and Dov
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (d:Person {name: 'Dov'})
      MATCH p = shortestPath((a)-[*]-(d))
      RETURN length(p) AS hops, [n IN nodes(p) | coalesce(n.name, n.number, n.street)] AS via
      """
    Then the result should be, in any order:
      | hops | via                              |
      | 4    | ['Ada', 'Pier 4', 'Cem', '222', 'Dov'] |
    And no side effects

  Scenario: Shortest path restricted to phone and directorship links
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (d:Person {name: 'Dov'})
      MATCH p = shortestPath((a)-[:USES_PHONE|DIRECTOR_OF*]-(d))
      RETURN [r IN relationships(p) | type(r)] AS types
      """
    Then the result should be, in any order:
      | types                                                                                  |
      | ['USES_PHONE', 'USES_PHONE', 'DIRECTOR_OF', 'DIRECTOR_OF', 'USES_PHONE', 'USES_PHONE'] |
    And no side effects

  Scenario: All shortest paths from a suspect to a trader
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (t:Trader {tin: 'T9'})
      MATCH p = allShortestPaths((a)-[*]-(t))
      RETURN [n IN nodes(p) | coalesce(n.name, n.number, n.street)] AS via
      """
    Then the result should be, in any order:
      | via                                 |
      | ['Ada', '111', 'Ben', 'Nine Ltd']   |
      | ['Ada', 'Pier 4', 'Cem', 'Nine Ltd'] |
    And no side effects

  Scenario: Counting all shortest paths
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (t:Trader {tin: 'T9'})
      MATCH p = allShortestPaths((a)-[*]-(t))
      RETURN count(p) AS paths, min(length(p)) AS hops
      """
    Then the result should be, in any order:
      | paths | hops |
      | 2     | 3    |
    And no side effects

  Scenario: Shortest path reaching a person known only through KNOWS
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (e:Person {name: 'Eli'})
      MATCH p = shortestPath((a)-[*]-(e))
      RETURN length(p) AS hops, type(last(relationships(p))) AS lastLink
      """
    Then the result should be, in any order:
      | hops | lastLink |
      | 5    | 'KNOWS'  |
    And no side effects

  Scenario: No path to an isolated person
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (x:Person {name: 'Xan'})
      MATCH p = shortestPath((a)-[*]-(x))
      RETURN p
      """
    Then the result should be empty
    And no side effects

  Scenario: No directed path from a person to another person
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (d:Person {name: 'Dov'})
      MATCH p = shortestPath((a)-[*]->(d))
      RETURN p
      """
    Then the result should be empty
    And no side effects

  Scenario: An upper bound shorter than the distance finds nothing
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (d:Person {name: 'Dov'})
      MATCH p = shortestPath((a)-[*..3]-(d))
      RETURN p
      """
    Then the result should be empty
    And no side effects

  Scenario: Shortest path lengths from one suspect to every other person
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (o:Person)
      WHERE o <> a AND o.name <> 'Xan'
      MATCH p = shortestPath((a)-[*]-(o))
      RETURN o.name AS name, length(p) AS hops
      ORDER BY hops, name
      """
    Then the result should be, in order:
      | name  | hops |
      | 'Ben' | 2    |
      | 'Cem' | 2    |
      | 'Dov' | 4    |
      | 'Eli' | 5    |
    And no side effects

  Scenario: Persons within two hops
    When executing query:
      """
      MATCH (:Person {name: 'Ada'})-[*1..2]-(n:Person)
      RETURN DISTINCT n.name
      """
    Then the result should be, in any order:
      | n.name |
      | 'Ben'  |
      | 'Cem'  |
    And no side effects

  Scenario: Persons within four hops
    When executing query:
      """
      MATCH (:Person {name: 'Ada'})-[*..4]-(n:Person)
      RETURN DISTINCT n.name
      """
    Then the result should be, in any order:
      | n.name |
      | 'Ben'  |
      | 'Cem'  |
      | 'Dov'  |
    And no side effects

  Scenario: Number of variable-length paths of length two to four between two suspects
    When executing query:
      """
      MATCH (:Person {name: 'Ben'})-[*2..4]-(:Person {name: 'Cem'})
      RETURN count(*) AS paths
      """
    Then the result should be, in any order:
      | paths |
      | 2     |
    And no side effects

  Scenario: Optional shortest path to an isolated person gives null
    When executing query:
      """
      MATCH (a:Person {name: 'Ada'}), (x:Person {name: 'Xan'})
      OPTIONAL MATCH p = shortestPath((a)-[*]-(x))
      RETURN x.name, p
      """
    Then the result should be, in any order:
      | x.name | p    |
      | 'Xan'  | null |
    And no side effects
