--
-- PostgreSQL database dump
--

\restrict q8TmV2xJr5LcW0nYbE7hKfA3sDgZ9uPoR1tXyM4iNeB6vCwQjHlU2aSdFkGpO

-- Dumped from database version 18.0
-- Dumped by pg_dump version 18.0

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: shop; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA shop;


ALTER SCHEMA shop OWNER TO postgres;

--
-- Name: add(integer, integer); Type: FUNCTION; Schema: shop; Owner: postgres
--

CREATE FUNCTION shop.add(a integer, b integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (a + b);
END;


ALTER FUNCTION shop.add(a integer, b integer) OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: shop; Owner: postgres
--

CREATE FUNCTION shop.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- keep the audit column honest; callers forget
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;


ALTER FUNCTION shop.touch() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: customers; Type: TABLE; Schema: shop; Owner: postgres
--

CREATE TABLE shop.customers (
    id integer NOT NULL,
    name text NOT NULL,
    "e-mail" text,
    updated_at timestamp with time zone
);


ALTER TABLE shop.customers OWNER TO postgres;

--
-- Name: TABLE customers; Type: COMMENT; Schema: shop; Owner: postgres
--

COMMENT ON TABLE shop.customers IS 'People who buy; the ''best'' kind';


--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: shop; Owner: postgres
--

ALTER TABLE shop.customers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME shop.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders; Type: TABLE; Schema: shop; Owner: postgres
--

CREATE TABLE shop.orders (
    id bigint NOT NULL,
    customer_id integer NOT NULL,
    lines jsonb DEFAULT '[]'::jsonb NOT NULL,
    note text
);


ALTER TABLE shop.orders OWNER TO postgres;

--
-- Name: big_orders; Type: VIEW; Schema: shop; Owner: postgres
--

CREATE VIEW shop.big_orders AS
 SELECT id,
    customer_id
   FROM shop.orders
  WHERE (jsonb_array_length(lines) > 1);


ALTER VIEW shop.big_orders OWNER TO postgres;

--
-- Data for Name: customers; Type: TABLE DATA; Schema: shop; Owner: postgres
--

COPY shop.customers (id, name, "e-mail", updated_at) FROM stdin;
1	Ada Lovelace	ada@example.org	2024-05-01 10:00:00+00
2	Zoë Ünal	\N	\N
3	O'Brien; Tab\there	ob@example.org	2024-05-02 11:30:00+00
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: shop; Owner: postgres
--

COPY shop.orders (id, customer_id, lines, note) FROM stdin;
10	1	[{"sku": "A-1", "qty": 2}, {"sku": "B;2", "qty": 1}]	first\\nline
11	3	[{"sku": "C-3", "qty": 1}]	\N
\.


--
-- Name: customers_id_seq; Type: SEQUENCE SET; Schema: shop; Owner: postgres
--

SELECT pg_catalog.setval('shop.customers_id_seq', 3, true);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_customer_id_idx; Type: INDEX; Schema: shop; Owner: postgres
--

CREATE INDEX orders_customer_id_idx ON shop.orders USING btree (customer_id);


--
-- Name: customers customers_touch; Type: TRIGGER; Schema: shop; Owner: postgres
--

CREATE TRIGGER customers_touch BEFORE UPDATE ON shop.customers FOR EACH ROW EXECUTE FUNCTION shop.touch();


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: shop; Owner: postgres
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES shop.customers(id);


--
-- PostgreSQL database dump complete
--

\unrestrict q8TmV2xJr5LcW0nYbE7hKfA3sDgZ9uPoR1tXyM4iNeB6vCwQjHlU2aSdFkGpO

