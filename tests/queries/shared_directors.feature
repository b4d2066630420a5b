# SPDX-License-Identifier: GPL-2.0-or-later
# Shared directors, addresses and phones between traders and persons.
Feature: Shared links between traders

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (t1:Trader {name: 'Acme Imports', tin: 'T001'}),
             (t2:Trader {name: 'Borealis Trading', tin: 'T002'}),
             (t3:Trader {name: 'Cobalt Freight', tin: 'T003'}),
             (t4:Trader {name: 'Delta Goods', tin: 'T004'}),
             (p1:Person {name: 'Anna Berg', passport: 'P100'}),
             (p2:Person {name: 'Boris Kell', passport: 'P200'}),
             (p3:Person {name: 'Carla Diaz', passport: 'P300'}),
             (a1:Address {street: '1 Dock Rd', city: 'Rotterdam'}),
             (a2:Address {street: '9 Quay St', city: 'Antwerp'}),
             (ph1:Phone {number: '+31-555-0101'}),
             (ph2:Phone {number: '+32-555-0202'}),
             (p1)-[:DIRECTOR_OF {since: 2019}]->(t1),
             (p1)-[:DIRECTOR_OF {since: 2021}]->(t2),
             (p2)-[:DIRECTOR_OF {since: 2020}]->(t2),
             (p2)-[:DIRECTOR_OF {since: 2022}]->(t3),
             (p3)-[:DIRECTOR_OF {since: 2018}]->(t4),
             (t1)-[:REGISTERED_AT]->(a1), (t3)-[:REGISTERED_AT]->(a1), (t2)-[:REGISTERED_AT]->(a2),
             (t1)-[:USES_PHONE]->(ph1), (t4)-[:USES_PHONE]->(ph1), (t2)-[:USES_PHONE]->(ph2),
             (p1)-[:USES_PHONE]->(ph2)
      """

  Scenario: Pairs of traders with a common director
    When executing query:
      """
      MATCH (a:Trader)<-[:DIRECTOR_OF]-(p:Person)-[:DIRECTOR_OF]->(b:Trader)
      WHERE a.tin < b.tin
      RETURN a.name, b.name, p.name
      """
    Then the result should be, in any order:
      | a.name             | b.name             | p.name       |
      | 'Acme Imports'     | 'Borealis Trading' | 'Anna Berg'  |
      | 'Borealis Trading' | 'Cobalt Freight'   | 'Boris Kell' |
    And no side effects

  Scenario: Directorships per person, most first
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF]->(t:Trader)
      RETURN p.name AS name, count(t) AS n
      ORDER BY n DESC, name ASC
      """
    Then the result should be, in order:
      | name         | n |
      | 'Anna Berg'  | 2 |
      | 'Boris Kell' | 2 |
      | 'Carla Diaz' | 1 |
    And no side effects

  Scenario: Traders with more than one director
    When executing query:
      """
      MATCH (t:Trader)<-[:DIRECTOR_OF]-(p:Person)
      WITH t, count(p) AS directors
      WHERE directors > 1
      RETURN t.name, directors
      """
    Then the result should be, in any order:
      | t.name             | directors |
      | 'Borealis Trading' | 2         |
    And no side effects

  Scenario: Collect the directors of a trader
    When executing query:
      """
      MATCH (t:Trader {tin: 'T002'})<-[:DIRECTOR_OF]-(p:Person)
      RETURN t.name, collect(p.name) AS directors
      """
    Then the result should be (ignoring element order for lists):
      | t.name             | directors                   |
      | 'Borealis Trading' | ['Anna Berg', 'Boris Kell'] |
    And no side effects

  Scenario: Traders registered at the same address
    When executing query:
      """
      MATCH (a:Trader)-[:REGISTERED_AT]->(ad:Address)<-[:REGISTERED_AT]-(b:Trader)
      WHERE a.tin < b.tin
      RETURN a.name, b.name, ad.street
      """
    Then the result should be, in any order:
      | a.name         | b.name           | ad.street   |
      | 'Acme Imports' | 'Cobalt Freight' | '1 Dock Rd' |
    And no side effects

  Scenario: Traders using the same phone
    When executing query:
      """
      MATCH (a:Trader)-[:USES_PHONE]->(ph:Phone)<-[:USES_PHONE]-(b:Trader)
      WHERE a.tin < b.tin
      RETURN a.tin, b.tin, ph.number
      """
    Then the result should be, in any order:
      | a.tin  | b.tin  | ph.number      |
      | 'T001' | 'T004' | '+31-555-0101' |
    And no side effects

  Scenario: A person sharing a phone with a trader they direct
    When executing query:
      """
      MATCH (p:Person)-[:USES_PHONE]->(ph:Phone)<-[:USES_PHONE]-(t:Trader)
      WHERE (p)-[:DIRECTOR_OF]->(t)
      RETURN p.name, t.name
      """
    Then the result should be, in any order:
      | p.name      | t.name             |
      | 'Anna Berg' | 'Borealis Trading' |
    And no side effects

  Scenario: No person shares a phone with a trader they do not direct
    When executing query:
      """
      MATCH (p:Person)-[:USES_PHONE]->(ph:Phone)<-[:USES_PHONE]-(t:Trader)
      WHERE NOT (p)-[:DIRECTOR_OF]->(t)
      RETURN p.name, t.name
      """
    Then the result should be empty
    And no side effects

  Scenario: Traders linked through an address or a phone
    When executing query:
      """
      MATCH (a:Trader)-[:REGISTERED_AT|USES_PHONE]->(x)<-[:REGISTERED_AT|USES_PHONE]-(b:Trader)
      WHERE a.tin < b.tin
      RETURN a.tin, b.tin, labels(x) AS kind
      """
    Then the result should be, in any order:
      | a.tin  | b.tin  | kind        |
      | 'T001' | 'T003' | ['Address'] |
      | 'T001' | 'T004' | ['Phone']   |
    And no side effects

  Scenario: Co-directors of a person
    When executing query:
      """
      MATCH (:Person {name: 'Anna Berg'})-[:DIRECTOR_OF]->(t:Trader)<-[:DIRECTOR_OF]-(co:Person)
      RETURN DISTINCT co.name
      """
    Then the result should be, in any order:
      | co.name      |
      | 'Boris Kell' |
    And no side effects

  Scenario: Directors of traders registered in Rotterdam
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF]->(t:Trader)-[:REGISTERED_AT]->(:Address {city: 'Rotterdam'})
      RETURN p.name, t.name
      """
    Then the result should be, in any order:
      | p.name       | t.name           |
      | 'Anna Berg'  | 'Acme Imports'   |
      | 'Boris Kell' | 'Cobalt Freight' |
    And no side effects

  Scenario: Directorships older than 2020
    When executing query:
      """
      MATCH (p:Person)-[r:DIRECTOR_OF]->(t:Trader)
      WHERE r.since < 2020
      RETURN p.name, t.name, r.since
      """
    Then the result should be, in any order:
      | p.name       | t.name         | r.since |
      | 'Anna Berg'  | 'Acme Imports' | 2019    |
      | 'Carla Diaz' | 'Delta Goods'  | 2018    |
    And no side effects

  Scenario: Returning a relationship and a node
    When executing query:
      """
      MATCH (:Person {passport: 'P300'})-[r]->(t)
      RETURN r, t
      """
    Then the result should be, in any order:
      | r                             | t                                            |
      | [:DIRECTOR_OF {since: 2018}]  | (:Trader {name: 'Delta Goods', tin: 'T004'}) |
    And no side effects

  Scenario: Number of directors per trader by pattern comprehension
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.tin, size([(t)<-[:DIRECTOR_OF]-(p) | p.name]) AS directors
      ORDER BY t.tin
      """
    Then the result should be, in order:
      | t.tin  | directors |
      | 'T001' | 1         |
      | 'T002' | 2         |
      | 'T003' | 1         |
      | 'T004' | 1         |
    And no side effects

  Scenario: Traders two director hops away, without reusing a relationship
    When executing query:
      """
      MATCH (:Trader {tin: 'T001'})<-[:DIRECTOR_OF]-(:Person)-[:DIRECTOR_OF]->(:Trader)<-[:DIRECTOR_OF]-(:Person)-[:DIRECTOR_OF]->(t:Trader)
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin  |
      | 'T003' |
    And no side effects

  Scenario: Traders without a registered address
    When executing query:
      """
      MATCH (t:Trader)
      WHERE NOT (t)-[:REGISTERED_AT]->(:Address)
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name        |
      | 'Delta Goods' |
    And no side effects

  Scenario: Phones shared by more than one holder
    When executing query:
      """
      MATCH (ph:Phone)<-[:USES_PHONE]-(h)
      WITH ph, count(h) AS holders
      WHERE holders > 1
      RETURN ph.number, holders
      ORDER BY ph.number
      """
    Then the result should be, in order:
      | ph.number      | holders |
      | '+31-555-0101' | 2       |
      | '+32-555-0202' | 2       |
    And no side effects
