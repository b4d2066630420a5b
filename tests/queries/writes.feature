# SPDX-License-Identifier: GPL-2.0-or-later
# CREATE, MERGE (idempotence), SET, REMOVE, DELETE and their side effects on
# customs records.
Feature: Writes and their side effects

  Scenario: Registering a trader with its address
    Given an empty graph
    When executing query:
      """
      CREATE (t:Trader {tin: 'T001', name: 'Acme'})-[:REGISTERED_AT]->(:Address {street: '1 Dock Rd'})
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes         | 2 |
      | +relationships | 1 |
      | +labels        | 2 |
      | +properties    | 3 |

  Scenario: MERGE of an existing trader changes nothing
    Given an empty graph
    And having executed:
      """
      MERGE (:Trader {tin: 'T001'})
      """
    When executing query:
      """
      MERGE (t:Trader {tin: 'T001'})
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin  |
      | 'T001' |
    And no side effects

  Scenario: MERGE run twice leaves one trader
    Given an empty graph
    And having executed:
      """
      MERGE (:Trader {tin: 'T001'})
      """
    And having executed:
      """
      MERGE (:Trader {tin: 'T001'})
      """
    When executing query:
      """
      MATCH (t:Trader)
      RETURN count(t) AS n
      """
    Then the result should be, in any order:
      | n |
      | 1 |
    And no side effects

  Scenario: MERGE creating a trader runs ON CREATE SET
    Given an empty graph
    When executing query:
      """
      MERGE (t:Trader {tin: 'T002'})
      ON CREATE SET t.flagged = false
      RETURN t
      """
    Then the result should be, in any order:
      | t                                        |
      | (:Trader {tin: 'T002', flagged: false})  |
    And the side effects should be:
      | +nodes      | 1 |
      | +labels     | 1 |
      | +properties | 2 |

  Scenario: MERGE matching a trader runs ON MATCH SET
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T001', hits: 1})
      """
    When executing query:
      """
      MERGE (t:Trader {tin: 'T001'})
      ON CREATE SET t.hits = 1
      ON MATCH SET t.hits = t.hits + 1
      RETURN t.hits
      """
    Then the result should be, in any order:
      | t.hits |
      | 2      |
    And the side effects should be:
      | +properties | 1 |
      | -properties | 1 |

  Scenario: MERGE of an existing directorship changes nothing
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1'}), (:Trader {tin: 'T1'})
      """
    And having executed:
      """
      MATCH (p:Person {passport: 'P1'}), (t:Trader {tin: 'T1'})
      MERGE (p)-[:DIRECTOR_OF]->(t)
      """
    When executing query:
      """
      MATCH (p:Person {passport: 'P1'}), (t:Trader {tin: 'T1'})
      MERGE (p)-[r:DIRECTOR_OF]->(t)
      RETURN type(r) AS type
      """
    Then the result should be, in any order:
      | type          |
      | 'DIRECTOR_OF' |
    And no side effects

  Scenario: MERGE of a new directorship creates one relationship
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1'}), (:Trader {tin: 'T1'})
      """
    When executing query:
      """
      MATCH (p:Person {passport: 'P1'}), (t:Trader {tin: 'T1'})
      MERGE (p)-[:DIRECTOR_OF {since: 2024}]->(t)
      """
    Then the result should be empty
    And the side effects should be:
      | +relationships | 1 |
      | +properties    | 1 |

  Scenario: MERGE over a list with a duplicate
    Given an empty graph
    When executing query:
      """
      UNWIND ['T1', 'T2', 'T1'] AS tin
      MERGE (:Trader {tin: tin})
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes      | 2 |
      | +labels     | 1 |
      | +properties | 2 |

  Scenario: Raising a trader's risk and flagging it
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', risk: 10})
      """
    When executing query:
      """
      MATCH (t:Trader {tin: 'T1'})
      SET t.risk = 80, t.flagged = true
      RETURN t.risk, t.flagged
      """
    Then the result should be, in any order:
      | t.risk | t.flagged |
      | 80     | true      |
    And the side effects should be:
      | +properties | 2 |
      | -properties | 1 |

  Scenario: Labelling a trader as a suspect
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1'})
      """
    When executing query:
      """
      MATCH (t:Trader {tin: 'T1'})
      SET t:Suspect
      RETURN labels(t) AS labels
      """
    Then the result should be (ignoring element order for lists):
      | labels                 |
      | ['Trader', 'Suspect']  |
    And the side effects should be:
      | +labels | 1 |

  Scenario: Removing a stale phone property
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1', phone: '555'})
      """
    When executing query:
      """
      MATCH (p:Person)
      REMOVE p.phone
      RETURN p
      """
    Then the result should be, in any order:
      | p                            |
      | (:Person {passport: 'P1'})   |
    And the side effects should be:
      | -properties | 1 |

  Scenario: Clearing the suspect label
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader:Suspect {tin: 'T1'})
      """
    When executing query:
      """
      MATCH (t:Suspect)
      REMOVE t:Suspect
      RETURN labels(t) AS labels
      """
    Then the result should be, in any order:
      | labels     |
      | ['Trader'] |
    And the side effects should be:
      | -labels | 1 |

  Scenario: Deleting a registration
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1'})-[:REGISTERED_AT {since: 2020}]->(:Address {street: 'X'})
      """
    When executing query:
      """
      MATCH (:Trader)-[r:REGISTERED_AT]->()
      DELETE r
      """
    Then the result should be empty
    And the side effects should be:
      | -relationships | 1 |
      | -properties    | 1 |

  Scenario: Detach-deleting a person with their links
    Given an empty graph
    And having executed:
      """
      CREATE (p:Person {passport: 'P1'})-[:DIRECTOR_OF]->(:Trader {tin: 'T1'}),
             (p)-[:USES_PHONE]->(:Phone {number: '555'})
      """
    When executing query:
      """
      MATCH (p:Person {passport: 'P1'})
      DETACH DELETE p
      """
    Then the result should be empty
    And the side effects should be:
      | -nodes         | 1 |
      | -relationships | 2 |
      | -labels        | 1 |
      | -properties    | 1 |

  Scenario: Merging properties into a seizure record
    Given an empty graph
    And having executed:
      """
      CREATE (:Seizure {id: 'S1', quantity: 5})
      """
    When executing query:
      """
      MATCH (s:Seizure)
      SET s += {quantity: 7, commodity: 'ivory'}
      RETURN s
      """
    Then the result should be, in any order:
      | s                                                     |
      | (:Seizure {id: 'S1', quantity: 7, commodity: 'ivory'}) |
    And the side effects should be:
      | +properties | 2 |
      | -properties | 1 |

  Scenario: Replacing all properties of a seizure
    Given an empty graph
    And having executed:
      """
      CREATE (:Seizure {id: 'S1', quantity: 5})
      """
    When executing query:
      """
      MATCH (s:Seizure)
      SET s = {id: 'S1'}
      RETURN s
      """
    Then the result should be, in any order:
      | s                      |
      | (:Seizure {id: 'S1'})  |
    And the side effects should be:
      | -properties | 1 |

  Scenario: Setting a property to null removes it
    Given an empty graph
    And having executed:
      """
      CREATE (:Seizure {id: 'S1', quantity: 5})
      """
    When executing query:
      """
      MATCH (s:Seizure)
      SET s.quantity = null
      RETURN s.quantity
      """
    Then the result should be, in any order:
      | s.quantity |
      | null       |
    And the side effects should be:
      | -properties | 1 |

  Scenario: Linking a person to a seizure
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1'}), (:Seizure {id: 'S1'})
      """
    When executing query:
      """
      MATCH (p:Person), (s:Seizure)
      CREATE (p)-[r:INVOLVED_IN {role: 'courier'}]->(s)
      RETURN type(r), r.role
      """
    Then the result should be, in any order:
      | type(r)       | r.role    |
      | 'INVOLVED_IN' | 'courier' |
    And the side effects should be:
      | +relationships | 1 |
      | +properties    | 1 |

  Scenario: Bulk registration from a list of rows
    Given an empty graph
    When executing query:
      """
      UNWIND [{tin: 'T1'}, {tin: 'T2'}, {tin: 'T3'}] AS row
      CREATE (t:Trader {tin: row.tin})
      RETURN count(t) AS created
      """
    Then the result should be, in any order:
      | created |
      | 3       |
    And the side effects should be:
      | +nodes      | 3 |
      | +labels     | 1 |
      | +properties | 3 |

  Scenario: Recording a seizure with a date
    Given an empty graph
    When executing query:
      """
      CREATE (s:Seizure {id: 'S9', date: date('2024-03-12'), quantity: 10})
      RETURN s.date.month AS m, s.date AS d
      """
    Then the result should be, in any order:
      | m | d            |
      | 3 | '2024-03-12' |
    And the side effects should be:
      | +nodes      | 1 |
      | +labels     | 1 |
      | +properties | 3 |

  Scenario: Deleting closed cases and returning how many
    Given an empty graph
    And having executed:
      """
      CREATE (:Case {id: 1, open: false}), (:Case {id: 2, open: true}), (:Case {id: 3, open: false})
      """
    When executing query:
      """
      MATCH (c:Case {open: false})
      DELETE c
      RETURN count(*) AS deleted
      """
    Then the result should be, in any order:
      | deleted |
      | 2       |
    And the side effects should be:
      | -nodes      | 2 |
      | -properties | 4 |

  Scenario: MERGE of a trader-address pattern reuses the whole pattern only
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1'})
      """
    When executing query:
      """
      MERGE (t:Trader {tin: 'T1'})
      MERGE (t)-[:REGISTERED_AT]->(a:Address {street: '1 Dock Rd'})
      RETURN a.street
      """
    Then the result should be, in any order:
      | a.street    |
      | '1 Dock Rd' |
    And the side effects should be:
      | +nodes         | 1 |
      | +relationships | 1 |
      | +labels        | 1 |
      | +properties    | 1 |
