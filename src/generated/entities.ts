// Generated from the entity registry by `npm run generate`. Do not edit.

/** A country */
export interface DbCountry {
  /** Primary Key */
  id: string | null;
  /** ISO code of the country (ERP PK) */
  code: string | null;
  /** Name of the country */
  name: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type DbCountryInput = Partial<Pick<DbCountry, 'id' | 'code' | 'name'>> & {
};

/** A sales organization: partitions the reference data of a tenant */
export interface SalesOrganization {
  /** Primary Key */
  id: string | null;
  /** Code of the sales organization (ERP PK) */
  code: string | null;
  /** Name of the sales organization */
  name: string | null;
  /** Description of the sales organization */
  description: string | null;
  /** Foreign key of the country of the sales organization */
  db_country_id: string | null;
  /** Foreign key of the currency of the sales organization */
  db_currency_id: string | null;
  /** Foreign key of the language of the sales organization */
  db_language_id: string | null;
  /** Code of the sales organization in the accountancy */
  accountancy_code: string | null;
  /** The sales organization is archived */
  archived: boolean | null;
  /** Default unit of measure system type of the sales organization */
  default_unit_of_measure_system_type: string | null;
  /** Street */
  street: string | null;
  /** Sub street */
  street2: string | null;
  /** Street number */
  street_number: string | null;
  /** Zip code */
  zip: string | null;
  /** City */
  city: string | null;
  /** Email address */
  email: string | null;
  /** Phone number */
  phone: string | null;
  /** Fax number */
  fax: string | null;
  /** Web site */
  url: string | null;
  /** VAT registration number */
  vat_reg_code: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type SalesOrganizationInput = Partial<Pick<SalesOrganization, 'id' | 'code' | 'name' | 'description' | 'db_country_id' | 'db_currency_id' | 'db_language_id' | 'accountancy_code' | 'archived' | 'default_unit_of_measure_system_type' | 'street' | 'street2' | 'street_number' | 'zip' | 'city' | 'email' | 'phone' | 'fax' | 'url' | 'vat_reg_code'>> & {
};

/** A unit of measure (piece, hour, meter, ...) */
export interface DbUnitOfMeasure {
  /** Primary Key */
  id: string | null;
  /** Code of the unit of measure (ERP PK) */
  code: string | null;
  /** Name of the unit of measure */
  name: string | null;
  /** Unit of measure system the unit belongs to (e.g. metric, imperial) */
  system_type: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type DbUnitOfMeasureInput = Partial<Pick<DbUnitOfMeasure, 'id' | 'code' | 'name' | 'system_type'>> & {
};

/** A company: customer and/or supplier */
export interface Company {
  /** Primary Key */
  id: string | null;
  /** Code of the company (ERP PK) */
  code: string | null;
  /** Name of the company */
  name: string | null;
  /** VAT registration number */
  vat_reg_code: string | null;
  /** Street */
  street: string | null;
  /** Sub street */
  street2: string | null;
  /** Street number */
  street_number: string | null;
  /** Zip code */
  zip: string | null;
  /** City */
  city: string | null;
  /** Foreign key of the country of the company */
  db_country_id: string | null;
  /** Phone number */
  phone: string | null;
  /** Fax number */
  fax: string | null;
  /** Email address */
  email: string | null;
  /** Web site */
  url: string | null;
  /** The company is a supplier */
  is_supplier: boolean | null;
  /** The company is a customer */
  is_customer: boolean | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** The company is archived */
  archived: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type CompanyInput = Partial<Pick<Company, 'id' | 'code' | 'name' | 'vat_reg_code' | 'street' | 'street2' | 'street_number' | 'zip' | 'city' | 'db_country_id' | 'phone' | 'fax' | 'email' | 'url' | 'is_supplier' | 'is_customer' | 'sales_organization_id' | 'archived'>> & {
  db_country_code?: string | null;
  sales_organization_code?: string | null;
};

/** An address (location of a company, an equipment or a stock) */
export interface DbAddress {
  /** Primary Key */
  id: string | null;
  /** Code of the address (ERP PK) */
  code: string | null;
  /** Name of the address */
  name: string | null;
  /** Street */
  street: string | null;
  /** Sub street */
  street2: string | null;
  /** Street number */
  street_number: string | null;
  /** City */
  city: string | null;
  /** Zip code */
  zip: string | null;
  /** Foreign key of the country of the address */
  db_country_id: string | null;
  /** Phone number */
  phone: string | null;
  /** Email address */
  email: string | null;
  /** Latitude */
  latitude_decimal: number | null;
  /** Longitude */
  longitude_decimal: number | null;
  /** Foreign key of the company the address belongs to */
  company_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type DbAddressInput = Partial<Pick<DbAddress, 'id' | 'code' | 'name' | 'street' | 'street2' | 'street_number' | 'city' | 'zip' | 'db_country_id' | 'phone' | 'email' | 'latitude_decimal' | 'longitude_decimal' | 'company_id'>> & {
  db_country_code?: string | null;
  company_code?: string | null;
};

/** A contact person, usually of a company */
export interface Contact {
  /** Primary Key */
  id: string | null;
  /** Foreign key of the company of the contact */
  company_id: string | null;
  /** Field used for Embedded entity (store there your ERP PK) */
  reference_back_office: string | null;
  /** First name */
  firstname: string | null;
  /** Last name */
  lastname: string | null;
  /** Email address */
  email: string | null;
  /** Phone number */
  phone: string | null;
  /** Mobile phone number */
  mobile: string | null;
  /** Function of the contact in the company */
  function: string | null;
  /** Foreign key of the language of the contact */
  db_language_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ContactInput = Partial<Pick<Contact, 'id' | 'company_id' | 'reference_back_office' | 'firstname' | 'lastname' | 'email' | 'phone' | 'mobile' | 'function' | 'db_language_id'>> & {
  company_code?: string | null;
};

/** A user of the field service: technician, planner, team leader */
export interface User {
  /** Primary Key */
  id: string | null;
  /** Foreign key of the language of the user */
  db_language_id: string | null;
  /** User name (login) */
  username: string | null;
  /** First name */
  firstname: string | null;
  /** Last name */
  lastname: string | null;
  /** Code of the user (ERP PK) */
  code: string | null;
  /** The user is archived */
  archived: boolean | null;
  /** The user is disabled */
  disabled: boolean | null;
  /** Person to contact in case of emergency */
  emergency_contact: string | null;
  /** Bank account number */
  bankaccount: string | null;
  /** Social security number */
  social_security: string | null;
  /** Place of birth */
  place_of_birth: string | null;
  /** Nationality */
  nationality: string | null;
  /** Functions of the user */
  functions: string | null;
  /** Birth date */
  birthdate: string | null;
  /** Skype account */
  skype: string | null;
  /** Notes about the user */
  notes: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** The user is a team leader */
  is_team_leader: boolean | null;
  /** Foreign key of the user that is the team leader of this user */
  team_leader_user_id: string | null;
  /** Professional email address */
  email: string | null;
  /** Professional phone number */
  phone: string | null;
  /** Professional fax number */
  fax: string | null;
  /** Professional mobile phone number */
  mobile: string | null;
  /** Private email address */
  private_email: string | null;
  /** Private phone number */
  private_phone: string | null;
  /** Private fax number */
  private_fax: string | null;
  /** Private mobile phone number */
  private_mobile: string | null;
  /** Private address: street */
  private_street: string | null;
  /** Private address: street number */
  private_street_number: string | null;
  /** Private address: city */
  private_city: string | null;
  /** Private address: zip code */
  private_zip: string | null;
  /** Private address: foreign key of the country */
  private_db_country_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** The user may use the Hero app */
  allow_hero_app: boolean | null;
  /** The user may use the Sales app */
  allow_sales_app: boolean | null;
  /** The user may use the Service app */
  allow_service_app: boolean | null;
  /** Foreign key of the user group of the user */
  user_group_id: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type UserInput = Partial<Pick<User, 'id' | 'db_language_id' | 'username' | 'firstname' | 'lastname' | 'code' | 'archived' | 'disabled' | 'emergency_contact' | 'bankaccount' | 'social_security' | 'place_of_birth' | 'nationality' | 'functions' | 'birthdate' | 'skype' | 'notes' | 'sales_organization_id' | 'is_team_leader' | 'team_leader_user_id' | 'email' | 'phone' | 'fax' | 'mobile' | 'private_email' | 'private_phone' | 'private_fax' | 'private_mobile' | 'private_street' | 'private_street_number' | 'private_city' | 'private_zip' | 'private_db_country_id' | 'allow_hero_app' | 'allow_sales_app' | 'allow_service_app' | 'user_group_id'>> & {
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
  private_db_country_code?: string | null;
};

/** A skill a job may require and a technician may have (used for planning) */
export interface Skill {
  /** Primary Key */
  id: string | null;
  /** Name of the skill */
  name: string | null;
  /** Description of the skill */
  description: string | null;
  /** Code of the skill (ERP PK) */
  code: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type SkillInput = Partial<Pick<Skill, 'id' | 'name' | 'description' | 'code' | 'sales_organization_id'>> & {
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A type of job (installation, repair, maintenance, ...) */
export interface JobType {
  /** Primary Key */
  id: string | null;
  /** Name of the job type */
  name: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Description of the job type */
  description: string | null;
  /** Job type used by default */
  is_default: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Code of the job type (ERP PK) */
  code: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobTypeInput = Partial<Pick<JobType, 'id' | 'name' | 'sales_organization_id' | 'description' | 'is_default' | 'code'>> & {
};

/** A priority of a job */
export interface JobPriority {
  /** Primary Key */
  id: string | null;
  /** Name of the job priority */
  name: string | null;
  /** Job priority used by default */
  is_default: boolean | null;
  /** Display order of the priority */
  sequence: number | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Code of the job priority (ERP PK) */
  code: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobPriorityInput = Partial<Pick<JobPriority, 'id' | 'name' | 'is_default' | 'sequence' | 'sales_organization_id' | 'code'>> & {
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A status of the job workflow */
export interface JobStatus {
  /** Primary Key */
  id: string | null;
  /** Code of the job status (ERP PK): Open, ToBePlanned, Pooling, Suggested, Dispatched, Planned, DispatchRejected, InProgress, WaitingFurtherActions, Completed, Canceled, Waiting, Activated */
  code: string | null;
  /** Name of the job status */
  name: string | null;
  /** Description of the job status */
  description: string | null;
  /** Job status used by default */
  is_default: boolean | null;
  /** Display order of the status */
  sequence: number | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobStatusInput = Partial<Pick<JobStatus, 'id' | 'code' | 'name' | 'description' | 'is_default' | 'sequence' | 'sales_organization_id'>> & {
  sales_organization_code?: string | null;
};

/** A status of a project (installation / equipment) */
export interface ProjectStatus {
  /** Primary Key */
  id: string | null;
  /** Name of the project status */
  name: string | null;
  /** Project status used by default */
  is_default: boolean | null;
  /** Projects with this status are closed */
  is_closed: boolean | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Code of the project status (ERP PK) */
  code: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ProjectStatusInput = Partial<Pick<ProjectStatus, 'id' | 'name' | 'is_default' | 'is_closed' | 'sales_organization_id' | 'code'>> & {
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A brand of equipment */
export interface EquipmentBrand {
  /** Primary Key */
  id: string | null;
  /** Name of the brand */
  name: string | null;
  /** Code of the brand (ERP PK) */
  code: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type EquipmentBrandInput = Partial<Pick<EquipmentBrand, 'id' | 'name' | 'code' | 'sales_organization_id'>> & {
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A family of equipment (hierarchical) */
export interface EquipmentFamily {
  /** Primary Key */
  id: string | null;
  /** Name of the equipment family */
  name: string | null;
  /** Description of the equipment family */
  description: string | null;
  /** Code of the equipment family (ERP PK) */
  code: string | null;
  /** Reference to the parent equipment family */
  _parent_id: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type EquipmentFamilyInput = Partial<Pick<EquipmentFamily, 'id' | 'name' | 'description' | 'code' | '_parent_id' | 'sales_organization_id'>> & {
  _parent_code?: string | null;
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A model of equipment of a brand */
export interface EquipmentModel {
  /** Primary Key */
  id: string | null;
  /** Code of the equipment model (ERP PK) */
  code: string | null;
  /** Name of the equipment model */
  name: string | null;
  /** Description of the equipment model */
  description: string | null;
  /** Foreign key of the brand of the model */
  equipment_brand_id: string | null;
  /** Foreign key of the equipment family of the model */
  equipment_family_id: string | null;
  /** Date the model is produced since */
  date_in_production_since: string | null;
  /** Date the model is no longer produced since */
  date_out_of_production_since: string | null;
  /** Date the support of the model ends */
  date_end_support: string | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** Number of months after which the equipment should be replaced */
  replacement_period_nb_months: number | null;
  /** Warranty period in months */
  warranty_period_nb_months: number | null;
  /** Translations of the text fields of this record */
  translations: Array<{ field_name: string; language_code: string; value_translated?: string | null }> | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type EquipmentModelInput = Partial<Pick<EquipmentModel, 'id' | 'code' | 'name' | 'description' | 'equipment_brand_id' | 'equipment_family_id' | 'date_in_production_since' | 'date_out_of_production_since' | 'date_end_support' | 'sales_organization_id' | 'replacement_period_nb_months' | 'warranty_period_nb_months' | 'translations'>> & {
  equipment_brand_code?: string | null;
  equipment_brand?: Partial<EquipmentBrandInput> | null;
  equipment_family_code?: string | null;
  equipment_family?: Partial<EquipmentFamilyInput> | null;
  sales_organization_code?: string | null;
  sales_organization?: Partial<SalesOrganizationInput> | null;
};

/** A project: an installation / equipment of a customer on which jobs are done */
export interface Project {
  /** Primary Key */
  id: string | null;
  /** Reference to the parent project */
  _parent_id: string | null;
  /** Reference to the root project of the hierarchy */
  root_parent_id: string | null;
  /** Foreign key of the equipment family of the project */
  equipment_family_id: string | null;
  /** Foreign key of the equipment model of the project */
  equipment_model_id: string | null;
  /** Foreign key of the status of the project */
  project_status_id: string | null;
  /** Foreign key of the customer company of the project */
  company_id: string | null;
  /** Foreign key of the address where the project is located */
  db_address_id: string | null;
  /** Location of the equipment at the address */
  location: string | null;
  /** Foreign key of the main contact of the project */
  contact_id: string | null;
  /** Foreign key of the user owning the project */
  owner_user_id: string | null;
  /** Name of the project */
  name: string | null;
  /** Description of the project */
  description: string | null;
  /** Field used for Embedded entity (store there your ERP PK) */
  reference_back_office: string | null;
  /** Serial number of the equipment */
  serial_number: string | null;
  /** Barcode of the equipment */
  barcode: string | null;
  /** Date the equipment started production */
  date_start_production: string | null;
  /** Creation date+time */
  date_create: string | null;
  /** Update date+time */
  date_update: string | null;
  /** Foreign key of the user who last updated the project */
  updated_by_user_id: string | null;
  /** Reference of this project for the customer */
  customer_reference: string | null;
  /** End date of the warranty of the equipment */
  warranty_date_until: string | null;
  /** Last standard result score 1 */
  last_standard_result_score_1: string | null;
  /** Last standard result score 2 */
  last_standard_result_score_2: string | null;
  /** Target standard result score 1 */
  target_standard_result_score_1: string | null;
  /** Target standard result score 2 */
  target_standard_result_score_2: string | null;
  /** Date the equipment was built */
  date_built: string | null;
  /** Consequence of a shutdown of the equipment */
  shutdown_consequence: string | null;
  /** Internal ID (numeric) */
  id2: number | null;
  /** Number of open jobs on the project (statistic) */
  nb_open_jobs: number | null;
  /** Date of the next planned job (statistic) */
  date_next_job: string | null;
  /** Date of the last job (statistic) */
  date_last_job: string | null;
  /** Number of planned jobs (statistic) */
  nb_jobs_planned: number | null;
  /** Number of jobs to be planned (statistic) */
  nb_jobs_tobeplanned: number | null;
  /** Number of jobs waiting for further action (statistic) */
  nb_jobs_waitingfurtheraction: number | null;
  /** Timestamp of the record in the back office */
  back_office_timestamp: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** The equipment is mobile (no fixed address) */
  is_mobile_installation: boolean | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ProjectInput = Partial<Pick<Project, 'id' | '_parent_id' | 'root_parent_id' | 'equipment_family_id' | 'equipment_model_id' | 'project_status_id' | 'company_id' | 'db_address_id' | 'location' | 'contact_id' | 'owner_user_id' | 'name' | 'description' | 'reference_back_office' | 'serial_number' | 'barcode' | 'date_start_production' | 'date_create' | 'updated_by_user_id' | 'customer_reference' | 'warranty_date_until' | 'last_standard_result_score_1' | 'last_standard_result_score_2' | 'target_standard_result_score_1' | 'target_standard_result_score_2' | 'date_built' | 'shutdown_consequence' | 'nb_open_jobs' | 'date_next_job' | 'date_last_job' | 'nb_jobs_planned' | 'nb_jobs_tobeplanned' | 'nb_jobs_waitingfurtheraction' | 'back_office_timestamp' | 'is_mobile_installation'>> & {
  _parent_reference_back_office?: string | null;
  equipment_family_code?: string | null;
  equipment_family?: Partial<EquipmentFamilyInput> | null;
  equipment_model_code?: string | null;
  equipment_model?: Partial<EquipmentModelInput> | null;
  project_status_code?: string | null;
  project_status?: Partial<ProjectStatusInput> | null;
  company_code?: string | null;
  db_address_code?: string | null;
  contact_reference_back_office?: string | null;
};

/** A job (work order) to be done by technicians on a project */
export interface Jobs {
  /** Primary Key */
  id: string | null;
  /** Reference to a parent job (in case of Multi Job) */
  _parent_id: string | null;
  /** Foreign key of project for this job */
  project_id: string | null;
  /** Foreign key of job type for this job */
  job_type_id: string | null;
  /** Foreign key of job priority for this job */
  job_priority_id: string | null;
  /** Foreign key of job status for this job */
  job_status_id: string | null;
  /** Foreign key of db_address if job is not on a mobile equipment.Must be the address_id of the location or the equipment */
  db_address_id: string | null;
  /** Foreign key of contact if the main contact of the job is different than the one of the project */
  contact_id: string | null;
  /** Foreign key of company if a specific company makes the request for this job */
  requested_by_company_id: string | null;
  /** Foreign key of contact to specify why contact of the requested_company_id makes the request */
  requested_by_contact_id: string | null;
  /** The Id/Ref of the back office for this job. Used by Embedded entity */
  reference_back_office: string | null;
  /** Name of the Job */
  name: string | null;
  /** Description of the job */
  description: string | null;
  /** In case of mutli job, they will be ordered by this sequence */
  working_sequence: number | null;
  /** Internal field for communication between BackOffice/Planners/Technicians */
  internal_memo: string | null;
  /** Information usefull for the technician before start (Call the customer,...) */
  prejob_information: string | null;
  /** Estimation of the time needed (in minute). Will be used for planning and statistic */
  estimated_time: number | null;
  /** Use this field if there is a minimum date for the planning (Not Before) */
  earliest_date_plannable: string | null;
  /** Deadline of Max date for the planning (Not After) */
  due_date: string | null;
  /** Creation date+time */
  date_create: string | null;
  /** Update date+time */
  date_update: string | null;
  /** Date+time job goes to completed */
  date_closed: string | null;
  /** Foreign key of user if there is a suggested user (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added */
  suggested_user_id: string | null;
  /** Suggested date+time start (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added */
  suggested_date_start: string | null;
  /** Foreign key of skill if the job requires a specific skill (used for planning) */
  skill_id: string | null;
  /** Reference of this job for the customer */
  customer_reference: string | null;
  /** In case of multi user job, foreign key of user that is the "WO Leader" */
  approval_responsible_user_id: string | null;
  /** Date+time when company reported the problem */
  date_reported_by_company: string | null;
  /** Internal ID (numeric). Will be used if reference_back_office is empty */
  id2: number | null;
  /** This field will be filled automatically based on the project_id */
  company_id: string | null;
  /** This field will be filled automatically based on the project_id */
  company_code: string | null;
  /** When mobile equipment, the address to use */
  db_address_name: string | null;
  /** When mobile equipment, the address to use and this field is mandatory */
  db_address_street: string | null;
  /** It is sub street */
  db_address_street2: string | null;
  /** When mobile equipment, the address to use */
  db_address_street_number: string | null;
  /** When mobile equipment, the address to use and this field is mandatory */
  db_address_city: string | null;
  /** When mobile equipment, the address to use and this field is mandatory */
  db_address_zip: string | null;
  /** When mobile equipment, the address to use */
  db_address_db_country_id: string | null;
  /** When mobile equipment, the address to use */
  db_address_phone: string | null;
  /** When mobile equipment, the address to use */
  db_address_email: string | null;
  /** Latitude */
  db_address_latitude_decimal: number | null;
  /** Latitude */
  db_address_longitude_decimal: number | null;
  /** Description of the parts your technician should use or pick up */
  estimated_quantity_remark: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobsInput = Partial<Pick<Jobs, 'id' | '_parent_id' | 'project_id' | 'job_type_id' | 'job_priority_id' | 'job_status_id' | 'db_address_id' | 'contact_id' | 'requested_by_company_id' | 'requested_by_contact_id' | 'reference_back_office' | 'name' | 'description' | 'working_sequence' | 'internal_memo' | 'prejob_information' | 'estimated_time' | 'earliest_date_plannable' | 'due_date' | 'date_create' | 'date_closed' | 'suggested_user_id' | 'suggested_date_start' | 'skill_id' | 'customer_reference' | 'approval_responsible_user_id' | 'date_reported_by_company' | 'company_id' | 'company_code' | 'db_address_name' | 'db_address_street' | 'db_address_street2' | 'db_address_street_number' | 'db_address_city' | 'db_address_zip' | 'db_address_db_country_id' | 'db_address_phone' | 'db_address_email' | 'db_address_latitude_decimal' | 'db_address_longitude_decimal' | 'estimated_quantity_remark'>> & {
  _parent_jobs_reference_back_office?: string | null;
  _parent_job?: Partial<JobsInput> | null;
  project_reference_back_office?: string | null;
  project?: Partial<ProjectInput> | null;
  job_type_code?: string | null;
  job_type?: Partial<JobTypeInput> | null;
  job_priority_code?: string | null;
  job_priority?: Partial<JobPriorityInput> | null;
  job_status_code?: string | null;
  suggested_user_code?: string | null;
  suggested_user?: Partial<UserInput> | null;
  skill_code?: string | null;
  skill?: Partial<SkillInput> | null;
  db_address_db_country_code?: string | null;
};

/** A planned slot of a job for a user (technician) */
export interface JobPlanning {
  /** Primary Key */
  id: string | null;
  /** Foreign key of jobs */
  jobs_id: string | null;
  /** Foreign key of the user (technician) planned */
  user_id: string | null;
  /** Planned date+time start */
  date_start: string | null;
  /** Planned date+time end */
  date_end: string | null;
  /** The planning is locked and may not be moved */
  is_locked: boolean | null;
  /** Remark about the planning */
  remark: string | null;
  /** Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn't need to be proceeded offline (record can be physically deleted offline) */
  sys_logical_delete: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobPlanningInput = Partial<Pick<JobPlanning, 'id' | 'jobs_id' | 'user_id' | 'date_start' | 'date_end' | 'is_locked' | 'remark' | 'sys_logical_delete'>> & {
  jobs_reference_back_office?: string | null;
  user_code?: string | null;
};

/** A dispatch of a job to a technician and the technician’s answer (accepted or rejected) */
export interface JobDispatchLog {
  /** Primary Key */
  id: string | null;
  /** Job Id */
  jobs_id: string | null;
  /** User Id */
  user_id: string | null;
  /** Date+Time in UTC when the row has been created */
  date_create: string | null;
  /** Date+Time in UTC when the Dispatch goes to PLanned or Rejected */
  date_proceeded: string | null;
  /** Case the technician accept it. */
  is_accepted: boolean | null;
  /** Case the technician reject it */
  is_rejected: boolean | null;
  /** In case the technician reject it, what is the reason */
  rejected_reason: string | null;
  /** Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn't need to be proceeded offline (record can be physically deleted offline) */
  sys_logical_delete: boolean | null;
  /** Using to distinguish between dispatch and workshop */
  is_workshop: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** sequence */
  sequence: number | null;
  /** The list of user_id that assigned to the job, separate by commas. It's not a real column */
  assigned_user_ids: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobDispatchLogInput = Partial<Pick<JobDispatchLog, 'id' | 'jobs_id' | 'user_id' | 'date_create' | 'date_proceeded' | 'is_accepted' | 'is_rejected' | 'rejected_reason' | 'sys_logical_delete' | 'is_workshop' | 'sequence'>> & {
};

/** A category of articles (hierarchical) */
export interface ArticleCategory {
  /** Primary Key */
  id: string | null;
  /** Reference to the parent article category */
  parent_id: string | null;
  /** Code of the article category (ERP PK) */
  code: string | null;
  /** Name of the article category */
  name: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ArticleCategoryInput = Partial<Pick<ArticleCategory, 'id' | 'parent_id' | 'code' | 'name'>> & {
  parent_code?: string | null;
};

/** A color of articles */
export interface ArticleColor {
  /** Primary Key */
  id: string | null;
  /** Name of the color */
  name: string | null;
  /** Code of the color (ERP PK) */
  code: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ArticleColorInput = Partial<Pick<ArticleColor, 'id' | 'name' | 'code'>> & {
};

/** An article (part, product or service) that can be used on jobs or ordered */
export interface Article {
  /** Primary Key */
  id: string | null;
  /** Foreign key of the category of the article */
  article_category_id: string | null;
  /** Foreign key of the article group 1 */
  article_group_1_id: string | null;
  /** Article group 1 using ERP PK */
  article_group_1_code: string | null;
  /** Foreign key of the article group 2 */
  article_group_2_id: string | null;
  /** Article group 2 using ERP PK */
  article_group_2_code: string | null;
  /** Foreign key of the article group 3 */
  article_group_3_id: string | null;
  /** Article group 3 using ERP PK */
  article_group_3_code: string | null;
  /** Foreign key of the article group 4 */
  article_group_4_id: string | null;
  /** Article group 4 using ERP PK */
  article_group_4_code: string | null;
  /** Foreign key of the article group 5 */
  article_group_5_id: string | null;
  /** Article group 5 using ERP PK */
  article_group_5_code: string | null;
  /** Foreign key of the article group 6 */
  article_group_6_id: string | null;
  /** Article group 6 using ERP PK */
  article_group_6_code: string | null;
  /** Physical stock quantity */
  physical_stock: number | null;
  /** Quantity on back order for customers */
  back_order_client: number | null;
  /** Quantity on back order at suppliers */
  back_order_supplier: number | null;
  /** Expected delivery date of the supplier back order */
  expected_delivery_date_bo_supplier: string | null;
  /** Quantity increment in which the article is used/ordered */
  article_increment: number | null;
  /** Minimum quantity of the article */
  min_article_quantity: number | null;
  /** Sales price of the article */
  entered_price: number | null;
  /** Cost price of the article */
  cost_price: number | null;
  /** The article is not managed in stock */
  no_stock: boolean | null;
  /** The article is archived */
  archived: boolean | null;
  /** The article is a travel fee */
  is_travel_fee: boolean | null;
  /** The article is a mileage fee */
  is_mileage_fee: boolean | null;
  /** Code of the article (ERP PK) */
  code: string | null;
  /** Name of the article */
  name: string | null;
  /** Short description of the article */
  description_short: string | null;
  /** Long description of the article */
  description_long: string | null;
  /** Barcode of the article */
  barcode: string | null;
  /** Notes about the article */
  notes: string | null;
  /** Creation date+time */
  date_create: string | null;
  /** Update date+time */
  date_update: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Foreign key of the color of the article */
  article_color_id: string | null;
  /** Warranty period in months */
  warranty_period_nb_months: number | null;
  /** A serial number must be given when the article is used */
  use_serial: boolean | null;
  /** Reference to the article replacing this article */
  _replace_id: string | null;
  /** Foreign key of the selling unit of measure */
  db_unit_of_measure_id_selling: string | null;
  /** Translations of the text fields of this record */
  translations: Array<{ field_name: string; language_code: string; value_translated?: string | null }> | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ArticleInput = Partial<Pick<Article, 'id' | 'article_category_id' | 'article_group_1_id' | 'article_group_1_code' | 'article_group_2_id' | 'article_group_2_code' | 'article_group_3_id' | 'article_group_3_code' | 'article_group_4_id' | 'article_group_4_code' | 'article_group_5_id' | 'article_group_5_code' | 'article_group_6_id' | 'article_group_6_code' | 'physical_stock' | 'back_order_client' | 'back_order_supplier' | 'expected_delivery_date_bo_supplier' | 'article_increment' | 'min_article_quantity' | 'entered_price' | 'cost_price' | 'no_stock' | 'archived' | 'is_travel_fee' | 'is_mileage_fee' | 'code' | 'name' | 'description_short' | 'description_long' | 'barcode' | 'notes' | 'date_create' | 'article_color_id' | 'warranty_period_nb_months' | 'use_serial' | '_replace_id' | 'db_unit_of_measure_id_selling' | 'translations'>> & {
  article_category_code?: string | null;
  article_category?: Partial<ArticleCategoryInput> | null;
  article_color_code?: string | null;
  article_color?: Partial<ArticleColorInput> | null;
  replace_article_code?: string | null;
  db_unit_of_measure_code_selling?: string | null;
};

/** A stock location of articles (warehouse, or a technician’s van) */
export interface ArticleStockLocation {
  /** Primary Key */
  id: string | null;
  /** Code of the stock location (ERP PK) */
  code: string | null;
  /** Name of the stock location */
  name: string | null;
  /** Foreign key of the user (technician) whose van stock this is */
  user_id: string | null;
  /** Foreign key of the address of the stock location */
  db_address_id: string | null;
  /** Stock location used by default */
  is_default: boolean | null;
  /** Foreign key of the sales organization (null = global) */
  sales_organization_id: string | null;
  /** The stock location is archived */
  archived: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type ArticleStockLocationInput = Partial<Pick<ArticleStockLocation, 'id' | 'code' | 'name' | 'user_id' | 'db_address_id' | 'is_default' | 'sales_organization_id' | 'archived'>> & {
  user_code?: string | null;
  sales_organization_code?: string | null;
};

/** A status of a purchase order */
export interface PurchaseOrderStatus {
  /** Primary Key */
  id: string | null;
  /** Code of the purchase order status (ERP PK) */
  code: string | null;
  /** Name of the purchase order status */
  name: string | null;
  /** Purchase order status used by default */
  is_default: boolean | null;
  /** Purchase orders with this status are closed */
  is_closed: boolean | null;
  /** Display order of the status */
  sequence: number | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type PurchaseOrderStatusInput = Partial<Pick<PurchaseOrderStatus, 'id' | 'code' | 'name' | 'is_default' | 'is_closed' | 'sequence'>> & {
};

/** A purchase order of parts to a supplier, possibly for a job */
export interface PurchaseOrder {
  /** Primary Key */
  id: string | null;
  /** Internal ID (numeric) */
  id2: number | null;
  /** Foreign key of the job the order is for */
  jobs_id: string | null;
  /** Foreign key of the supplier company */
  supplier_company_id: string | null;
  /** Foreign key of the user who made the order */
  user_id: string | null;
  /** Description of the purchase order */
  description: string | null;
  /** Memo of the purchase order */
  memo: string | null;
  /** Total of the lines of the order (kept up to date by the server) */
  total_lines: number | null;
  /** Creation date+time */
  date_create: string | null;
  /** Update date+time */
  date_update: string | null;
  /** Requested delivery date */
  date_delivery: string | null;
  /** Delivery date confirmed by the supplier */
  confirmed_date_delivery: string | null;
  /** Foreign key of the delivery address */
  delivery_db_address_id: string | null;
  /** Foreign key of the user who approved the order */
  approved_by_user_id: string | null;
  /** Foreign key of the technical user (technician) of the order */
  technical_user_id: string | null;
  /** Foreign key of the status of the order */
  purchase_order_status_id: string | null;
  /** Foreign key of the stock location the order is delivered to */
  article_stock_location_id: string | null;
  /** The order is picked up at the supplier */
  is_pickup: boolean | null;
  /** Field used for Embedded entity (store there your ERP PK) */
  reference_back_office: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type PurchaseOrderInput = Partial<Pick<PurchaseOrder, 'id' | 'jobs_id' | 'supplier_company_id' | 'user_id' | 'description' | 'memo' | 'total_lines' | 'date_create' | 'date_delivery' | 'confirmed_date_delivery' | 'delivery_db_address_id' | 'approved_by_user_id' | 'technical_user_id' | 'purchase_order_status_id' | 'article_stock_location_id' | 'is_pickup' | 'reference_back_office'>> & {
  jobs_reference_back_office?: string | null;
  supplier_company_code?: string | null;
  user_code?: string | null;
  approved_by_user_code?: string | null;
  technical_user_code?: string | null;
  purchase_order_status_code?: string | null;
};

/** A line of a purchase order */
export interface PurchaseOrderDetails {
  /** Primary Key */
  id: string | null;
  /** Foreign key of the purchase_order */
  purchase_order_id: string | null;
  /** Foreign key of article */
  article_id: string | null;
  /** Line Number, auto filled with (Highest+1) if value is 0/null */
  line_number: number | null;
  /** Code of the article (auto filled if empty) */
  code: string | null;
  /** Code of the supplier for this article */
  supplier_code: string | null;
  /** Article Name (will be auto filled if article.name+description are empty) */
  name: string | null;
  /** Article description (will be auto filled by article.short_description if name+description are empty) */
  description: string | null;
  /** Unit Price */
  price: number | null;
  /** Quantity */
  quantity: number | null;
  /** Line memo/remark */
  memo: string | null;
  /** Unit Cost Price (statistic purpose) */
  cost_price: number | null;
  /** Field used for Embedded entity (store there your ERP PK) */
  reference_back_office: string | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type PurchaseOrderDetailsInput = Partial<Pick<PurchaseOrderDetails, 'id' | 'purchase_order_id' | 'article_id' | 'line_number' | 'code' | 'supplier_code' | 'name' | 'description' | 'price' | 'quantity' | 'memo' | 'cost_price' | 'reference_back_office'>> & {
  purchase_order_reference_back_office?: string | null;
  purchase_order?: Partial<PurchaseOrderInput> | null;
  article_code?: string | null;
  article?: Partial<ArticleInput> | null;
};

/** A part (article) used by a technician on a job */
export interface JobPartUsage {
  /** Primary Key */
  id: string | null;
  /** Foreign key of jobs */
  jobs_id: string | null;
  /** Job approval Id */
  job_approval_id: string | null;
  /** In case of stock management enabled, the stock that has been used */
  article_stock_location_id: string | null;
  /** Foreign key of article. Can be empty if user keys in manually the object */
  article_id: string | null;
  /** In case of dummy */
  is_dummy: boolean | null;
  /** Article code */
  article_code: string | null;
  /** Article name */
  article_name: string | null;
  /** Article description */
  article_description: string | null;
  /** Date when the part has been used */
  working_date: string | null;
  /** Quantity */
  quantity: number | null;
  /** When the article.use_serial then the serial should be saved here */
  serial_number: string | null;
  /** Unit price of the part. Computed with the price logic or filled via purchase_order_details.price */
  price: number | null;
  /** In case the logic detect that the parts was in warranty, this field will be set to true and the discount will be set equal to the price */
  is_under_warranty: boolean | null;
  /** Manual discount , in money, added by the technician */
  discount: number | null;
  /** Foreign key of purchase_order_details, if the line was generated based on a purchase_order_details */
  purchase_order_details_id: string | null;
  /** User Id */
  user_id: string | null;
  remark: string | null;
  no_warranty_reason: string | null;
  db_unit_of_measure_id: string | null;
  included_on_last_stock_compute: boolean | null;
  /** Needed for integration */
  signed_by_company: boolean | null;
  company_vat_id: string | null;
  vat_value: number | null;
  vat_rate: number | null;
  invoice_id: string | null;
  invoice_details_id: string | null;
  is_customized: boolean | null;
  /** Readonly system field managed by database, filled with GetUtcDate when adding,updating */
  modified_dateutc: string | null;
  /** Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change */
  row_version: number | null;
}
export type JobPartUsageInput = Partial<Pick<JobPartUsage, 'id' | 'jobs_id' | 'job_approval_id' | 'article_stock_location_id' | 'article_id' | 'is_dummy' | 'article_code' | 'article_name' | 'article_description' | 'working_date' | 'quantity' | 'serial_number' | 'price' | 'is_under_warranty' | 'discount' | 'purchase_order_details_id' | 'user_id' | 'remark' | 'no_warranty_reason' | 'db_unit_of_measure_id' | 'included_on_last_stock_compute' | 'signed_by_company' | 'company_vat_id' | 'vat_value' | 'vat_rate' | 'invoice_id' | 'invoice_details_id' | 'is_customized'>> & {
};

export interface Entities {
  db_country: DbCountry;
  sales_organization: SalesOrganization;
  db_unit_of_measure: DbUnitOfMeasure;
  company: Company;
  db_address: DbAddress;
  contact: Contact;
  user: User;
  skill: Skill;
  job_type: JobType;
  job_priority: JobPriority;
  job_status: JobStatus;
  project_status: ProjectStatus;
  equipment_brand: EquipmentBrand;
  equipment_family: EquipmentFamily;
  equipment_model: EquipmentModel;
  project: Project;
  jobs: Jobs;
  job_planning: JobPlanning;
  job_dispatch_log: JobDispatchLog;
  article_category: ArticleCategory;
  article_color: ArticleColor;
  article: Article;
  article_stock_location: ArticleStockLocation;
  purchase_order_status: PurchaseOrderStatus;
  purchase_order: PurchaseOrder;
  purchase_order_details: PurchaseOrderDetails;
  job_part_usage: JobPartUsage;
}

