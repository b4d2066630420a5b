# SPDX-License-Identifier: GPL-2.0-or-later
# Supply chains between traders (SUPPLIES) and their directors: undirected
# and variable-length patterns, relationship lists, label predicates, list
# predicates, grouping by node, three-valued logic, path deletion.
Feature: Supply chains

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (a:Trader:Suspect {tin: 'T1', name: 'acme'}), (b:Trader {tin: 'T2', name: 'Borealis'}),
             (c:Trader {tin: 'T3', name: 'cobalt'}),
             (p:Person {name: 'P'}), (q:Person {name: 'Q'}),
             (p)-[:DIRECTOR_OF {since: 2020}]->(a), (p)-[:DIRECTOR_OF {since: 2021}]->(b),
             (q)-[:DIRECTOR_OF {since: 2019}]->(b),
             (a)-[:SUPPLIES]->(b), (b)-[:SUPPLIES]->(c)
      """

  Scenario: An undirected pattern sees each supply link from both ends
    When executing query:
      """
      MATCH (:Trader)-[r:SUPPLIES]-(:Trader)
      RETURN count(r) AS n, count(DISTINCT r) AS links
      """
    Then the result should be, in any order:
      | n | links |
      | 4 | 2     |
    And no side effects

  Scenario: Traders with two labels
    When executing query:
      """
      MATCH (n:Trader:Suspect)
      RETURN n.tin
      """
    Then the result should be, in any order:
      | n.tin |
      | 'T1'  |
    And no side effects

  Scenario: Names starting with a lower-case a, b or c
    When executing query:
      """
      MATCH (t:Trader)
      WHERE left(t.name, 1) IN ['a', 'b', 'c']
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name   |
      | 'acme'   |
      | 'cobalt' |
    And no side effects

  Scenario: Strings order by code point, upper case first
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.name
      ORDER BY t.name
      """
    Then the result should be, in order:
      | t.name     |
      | 'Borealis' |
      | 'acme'     |
      | 'cobalt'   |
    And no side effects

  Scenario: Downstream traders with the length of the chain
    When executing query:
      """
      MATCH (:Trader {tin: 'T1'})-[r:SUPPLIES*1..2]->(t:Trader)
      RETURN t.tin, size(r) AS hops
      """
    Then the result should be, in any order:
      | t.tin | hops |
      | 'T2'  | 1    |
      | 'T3'  | 2    |
    And no side effects

  Scenario: A variable-length pattern with a property filter
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF*1 {since: 2021}]->(t:Trader)
      RETURN p.name, t.tin
      """
    Then the result should be, in any order:
      | p.name | t.tin |
      | 'P'    | 'T2'  |
    And no side effects

  Scenario: A zero-length hop includes the start
    When executing query:
      """
      MATCH (:Trader {tin: 'T1'})-[:SUPPLIES*0..1]->(t:Trader)
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T1'  |
      | 'T2'  |
    And no side effects

  Scenario: Upstream suppliers at any distance
    When executing query:
      """
      MATCH (:Trader {tin: 'T3'})<-[:SUPPLIES*]-(up:Trader)
      RETURN up.tin
      """
    Then the result should be, in any order:
      | up.tin |
      | 'T2'   |
      | 'T1'   |
    And no side effects

  Scenario: Grouping by a node
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF]->(t:Trader)
      RETURN t, count(p) AS n
      """
    Then the result should be, in any order:
      | t                                               | n |
      | (:Trader:Suspect {tin: 'T1', name: 'acme'})     | 1 |
      | (:Trader {tin: 'T2', name: 'Borealis'})         | 2 |
    And no side effects

  Scenario: Pairs of persons from a cartesian product
    When executing query:
      """
      MATCH (x:Person), (y:Person)
      WHERE x.name < y.name
      RETURN x.name, y.name
      """
    Then the result should be, in any order:
      | x.name | y.name |
      | 'P'    | 'Q'    |
    And no side effects

  Scenario: WITH star carries every variable
    When executing query:
      """
      MATCH (t:Trader {tin: 'T3'})
      WITH *
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name   |
      | 'cobalt' |
    And no side effects

  Scenario: DISTINCT over lists
    When executing query:
      """
      UNWIND [[1, 2], [1, 2], [2, 1]] AS l
      RETURN DISTINCT l
      """
    Then the result should be, in any order:
      | l      |
      | [1, 2] |
      | [2, 1] |
    And no side effects

  Scenario: Sums and averages of mixed numbers
    When executing query:
      """
      UNWIND [1, 2.5] AS x
      WITH sum(x) AS s, collect(x) AS xs
      UNWIND [1, 2] AS i
      RETURN s, avg(i) AS a, size(xs) AS n
      """
    Then the result should be, in any order:
      | s   | a   | n |
      | 3.5 | 1.5 | 2 |
    And no side effects

  Scenario: Counting rows and matches after an empty optional match
    When executing query:
      """
      MATCH (t:Trader {tin: 'T3'})
      OPTIONAL MATCH (t)<-[:DIRECTOR_OF]-(p:Person)
      RETURN count(*) AS rows, count(p) AS directors
      """
    Then the result should be, in any order:
      | rows | directors |
      | 1    | 0         |
    And no side effects

  Scenario: Continuing from the first trader only
    When executing query:
      """
      MATCH (t:Trader)
      WITH t ORDER BY t.tin LIMIT 1
      MATCH (t)-[:SUPPLIES]->(s:Trader)
      RETURN s.tin
      """
    Then the result should be, in any order:
      | s.tin |
      | 'T2'  |
    And no side effects

  Scenario: Years of appointment by pattern comprehension
    When executing query:
      """
      MATCH (t:Trader {tin: 'T2'})
      RETURN [(t)<-[r:DIRECTOR_OF]-(:Person) | r.since] AS years
      """
    Then the result should be (ignoring element order for lists):
      | years        |
      | [2021, 2019] |
    And no side effects

  Scenario: Traders with no director appointed before 2020
    When executing query:
      """
      MATCH (t:Trader)
      WHERE none(y IN [(t)<-[d:DIRECTOR_OF]-() | d.since] WHERE y < 2020)
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T1'  |
      | 'T3'  |
    And no side effects

  Scenario: Traders with exactly one director appointed from 2020
    When executing query:
      """
      MATCH (t:Trader)
      WHERE single(y IN [(t)<-[d:DIRECTOR_OF]-() | d.since] WHERE y >= 2020)
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T1'  |
      | 'T2'  |
    And no side effects

  Scenario: A label predicate in WHERE
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t:Suspect OR t.tin = 'T3'
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T1'  |
      | 'T3'  |
    And no side effects

  Scenario: Three-valued logic with null
    When executing query:
      """
      RETURN CASE WHEN null THEN 1 ELSE 2 END AS c, 'T1' IN ['T1', null] AS a, 'T2' IN ['T1', null] AS b
      """
    Then the result should be, in any order:
      | c | a    | b    |
      | 2 | true | null |
    And no side effects

  Scenario: MERGE of a whole new pattern creates both ends
    When executing query:
      """
      MERGE (:Person {name: 'R'})-[:DIRECTOR_OF]->(:Trader {tin: 'T9'})
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes         | 2 |
      | +relationships | 1 |
      | +properties    | 2 |

  Scenario: Correcting the year of a directorship
    When executing query:
      """
      MATCH (:Person {name: 'Q'})-[r:DIRECTOR_OF]->()
      SET r.since = 2018
      RETURN r.since
      """
    Then the result should be, in any order:
      | r.since |
      | 2018    |
    And the side effects should be:
      | +properties | 1 |
      | -properties | 1 |

  Scenario: Detach-deleting the nodes of a path
    When executing query:
      """
      MATCH p = (:Trader {tin: 'T2'})-[:SUPPLIES]->(:Trader {tin: 'T3'})
      DETACH DELETE p
      """
    Then the result should be empty
    And the side effects should be:
      | -nodes         | 2 |
      | -relationships | 4 |
      | -properties    | 6 |
