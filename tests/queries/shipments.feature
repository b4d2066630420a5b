# SPDX-License-Identifier: GPL-2.0-or-later
# Declarations, containers and vessels: CARRIED_BY chains, parameters, UNION,
# list predicates, CASE and string functions.
Feature: Shipments, containers and vessels

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (t1:Trader {tin: 'T1', name: 'Acme', country: 'NL'}),
             (t2:Trader {tin: 'T2', name: 'Borealis', country: 'BE'}),
             (t3:Trader {tin: 'T3', name: 'Cobalt', country: 'NL'}),
             (v1:Vessel {imo: 'IMO1', name: 'Sea Star'}), (v2:Vessel {imo: 'IMO2', name: 'North Wind'}),
             (c1:Container {no: 'C1'}), (c2:Container {no: 'C2'}), (c3:Container {no: 'C3'}),
             (d1:Declaration {ref: 'D1', date: date('2024-01-10'), hs: '2402', value: 1000}),
             (d2:Declaration {ref: 'D2', date: date('2024-02-14'), hs: '0901', value: 4000}),
             (d3:Declaration {ref: 'D3', date: date('2024-02-20'), hs: '2402', value: 2500}),
             (t1)-[:DECLARED]->(d1), (t2)-[:DECLARED]->(d2), (t3)-[:DECLARED]->(d3),
             (d1)-[:COVERS]->(c1), (d2)-[:COVERS]->(c2), (d3)-[:COVERS]->(c3),
             (c1)-[:CARRIED_BY]->(v1), (c2)-[:CARRIED_BY]->(v1), (c3)-[:CARRIED_BY]->(v2),
             (s1:Seizure {id: 'S1', commodity: 'cigarettes', quantity: 900, date: date('2024-01-12')}),
             (s1)-[:FOUND_IN]->(c1)
      """

  Scenario: Traders whose cargo shared a vessel with a seized container
    When executing query:
      """
      MATCH (:Seizure)-[:FOUND_IN]->(:Container)-[:CARRIED_BY]->(v:Vessel)<-[:CARRIED_BY]-(:Container)<-[:COVERS]-(:Declaration)<-[:DECLARED]-(t:Trader)
      RETURN DISTINCT t.name, v.name
      """
    Then the result should be, in any order:
      | t.name     | v.name     |
      | 'Borealis' | 'Sea Star' |
    And no side effects

  Scenario: Containers per vessel
    When executing query:
      """
      MATCH (c:Container)-[:CARRIED_BY]->(v:Vessel)
      RETURN v.name AS vessel, count(c) AS containers
      ORDER BY containers DESC
      """
    Then the result should be, in order:
      | vessel       | containers |
      | 'Sea Star'   | 2          |
      | 'North Wind' | 1          |
    And no side effects

  Scenario: Declarations of a trader given as a parameter
    And parameters are:
      | tin | 'T3' |
    When executing query:
      """
      MATCH (t:Trader {tin: $tin})-[:DECLARED]->(d:Declaration)
      RETURN d.ref
      """
    Then the result should be, in any order:
      | d.ref |
      | 'D3'  |
    And no side effects

  Scenario: Declared value for an HS code given as a parameter
    And parameters are:
      | hs | '2402' |
    When executing query:
      """
      MATCH (d:Declaration)
      WHERE d.hs = $hs
      RETURN count(d) AS n, sum(d.value) AS value
      """
    Then the result should be, in any order:
      | n | value |
      | 2 | 3500  |
    And no side effects

  Scenario: Traders from a list parameter
    And parameters are:
      | tins | ['T1', 'T2', 'T7'] |
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.tin IN $tins
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name     |
      | 'Acme'     |
      | 'Borealis' |
    And no side effects

  Scenario: A map parameter as a filter
    And parameters are:
      | filter | {country: 'BE'} |
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.country = $filter.country
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name     |
      | 'Borealis' |
    And no side effects

  Scenario: UNION of Dutch traders and vessels
    When executing query:
      """
      MATCH (t:Trader {country: 'NL'})
      RETURN t.name AS name
      UNION
      MATCH (v:Vessel)
      RETURN v.name AS name
      """
    Then the result should be, in any order:
      | name         |
      | 'Acme'       |
      | 'Cobalt'     |
      | 'Sea Star'   |
      | 'North Wind' |
    And no side effects

  Scenario: UNION ALL keeps duplicates
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.country AS c
      UNION ALL
      MATCH (t:Trader {country: 'NL'})
      RETURN t.country AS c
      """
    Then the result should be, in any order:
      | c    |
      | 'NL' |
      | 'BE' |
      | 'NL' |
      | 'NL' |
      | 'NL' |
    And no side effects

  Scenario: UNION removes duplicates
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.country AS c
      UNION
      MATCH (t:Trader {country: 'NL'})
      RETURN t.country AS c
      """
    Then the result should be, in any order:
      | c    |
      | 'NL' |
      | 'BE' |
    And no side effects

  Scenario: Traders with any tobacco declaration
    When executing query:
      """
      MATCH (t:Trader)
      WHERE any(x IN [(t)-[:DECLARED]->(d) | d.hs] WHERE x = '2402')
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T1'  |
      | 'T3'  |
    And no side effects

  Scenario: From trader to vessel in three hops
    When executing query:
      """
      MATCH p = (:Trader {tin: 'T1'})-[:DECLARED]->()-[:COVERS]->()-[:CARRIED_BY]->(v:Vessel)
      RETURN v.imo, length(p) AS hops
      """
    Then the result should be, in any order:
      | v.imo  | hops |
      | 'IMO1' | 3    |
    And no side effects

  Scenario: Which containers held a seizure
    When executing query:
      """
      MATCH (c:Container)
      RETURN c.no, exists((c)<-[:FOUND_IN]-(:Seizure)) AS seized
      ORDER BY c.no
      """
    Then the result should be, in order:
      | c.no | seized |
      | 'C1' | true   |
      | 'C2' | false  |
      | 'C3' | false  |
    And no side effects

  Scenario: Share of the total declared value, in whole percent
    When executing query:
      """
      MATCH (d:Declaration)
      WITH sum(d.value) AS total
      MATCH (d:Declaration)
      RETURN d.ref, d.value * 100 / total AS pct
      ORDER BY d.ref
      """
    Then the result should be, in order:
      | d.ref | pct |
      | 'D1'  | 13  |
      | 'D2'  | 53  |
      | 'D3'  | 33  |
    And no side effects

  Scenario: Declarations lodged in February
    When executing query:
      """
      MATCH (d:Declaration)
      WHERE date('2024-02-01') <= d.date < date('2024-03-01')
      RETURN d.ref
      ORDER BY d.ref
      """
    Then the result should be, in order:
      | d.ref |
      | 'D2'  |
      | 'D3'  |
    And no side effects

  Scenario: Vessel names containing a word, ignoring case
    When executing query:
      """
      MATCH (v:Vessel)
      WHERE toLower(v.name) CONTAINS 'wind'
      RETURN v.imo
      """
    Then the result should be, in any order:
      | v.imo  |
      | 'IMO2' |
    And no side effects

  Scenario: Declarations by HS chapter
    When executing query:
      """
      MATCH (d:Declaration)
      WHERE d.hs STARTS WITH '24'
      RETURN d.ref
      """
    Then the result should be, in any order:
      | d.ref |
      | 'D1'  |
      | 'D3'  |
    And no side effects

  Scenario: Largest and smallest declaration from an ordered list
    When executing query:
      """
      MATCH (d:Declaration)
      WITH d
      ORDER BY d.value DESC
      WITH collect(d.ref) AS refs
      RETURN head(refs) AS largest, last(refs) AS smallest
      """
    Then the result should be, in any order:
      | largest | smallest |
      | 'D2'    | 'D1'     |
    And no side effects

  Scenario: Distinct vessels used per trader country
    When executing query:
      """
      MATCH (t:Trader)-[:DECLARED]->()-[:COVERS]->()-[:CARRIED_BY]->(v:Vessel)
      RETURN t.country AS country, count(DISTINCT v) AS vessels
      """
    Then the result should be, in any order:
      | country | vessels |
      | 'NL'    | 2       |
      | 'BE'    | 1       |
    And no side effects

  Scenario: Traders with a declared total above a threshold
    When executing query:
      """
      MATCH (t:Trader)-[:DECLARED]->(d:Declaration)
      WITH t, sum(d.value) AS total
      WHERE total > 2000
      RETURN t.tin, total
      """
    Then the result should be, in any order:
      | t.tin | total |
      | 'T2'  | 4000  |
      | 'T3'  | 2500  |
    And no side effects

  Scenario: Domestic or foreign with a simple CASE
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.tin, CASE t.country WHEN 'NL' THEN 'domestic' ELSE 'foreign' END AS origin
      """
    Then the result should be, in any order:
      | t.tin | origin     |
      | 'T1'  | 'domestic' |
      | 'T2'  | 'foreign'  |
      | 'T3'  | 'domestic' |
    And no side effects

  Scenario: Summing declared values with reduce
    When executing query:
      """
      MATCH (d:Declaration)
      WITH collect(d.value) AS values
      RETURN reduce(acc = 0, v IN values | acc + v) AS total
      """
    Then the result should be, in any order:
      | total |
      | 7500  |
    And no side effects

  Scenario: Containers of a vessel, listed with their declarant
    When executing query:
      """
      MATCH (v:Vessel {imo: 'IMO1'})<-[:CARRIED_BY]-(c:Container)<-[:COVERS]-(d:Declaration)<-[:DECLARED]-(t:Trader)
      RETURN c.no, d.ref, t.tin
      ORDER BY c.no
      """
    Then the result should be, in order:
      | c.no | d.ref | t.tin |
      | 'C1' | 'D1'  | 'T1'  |
      | 'C2' | 'D2'  | 'T2'  |
    And no side effects

  Scenario: Days between declaration and seizure
    When executing query:
      """
      MATCH (s:Seizure)-[:FOUND_IN]->(:Container)<-[:COVERS]-(d:Declaration)
      RETURN s.id, d.ref, s.date.day - d.date.day AS days
      """
    Then the result should be, in any order:
      | s.id | d.ref | days |
      | 'S1' | 'D1'  | 2    |
    And no side effects

  Scenario: All declarations of Dutch traders are tobacco
    When executing query:
      """
      MATCH (t:Trader {country: 'NL'})-[:DECLARED]->(d:Declaration)
      WITH collect(d.hs) AS codes
      RETURN all(c IN codes WHERE c = '2402') AS allTobacco, size(codes) AS n
      """
    Then the result should be, in any order:
      | allTobacco | n |
      | true       | 2 |
    And no side effects
