import { defineEntity, idField, modifiedField } from './define.js';

export const project = defineEntity({
  name: 'project',
  route: 'Project',
  description: 'A project: an installation / equipment of a customer on which jobs are done',
  erpKey: 'reference_back_office',
  fields: {
    id: idField,
    _parent_id: {
      type: 'uuid',
      description: 'Reference to the parent project',
      ref: {
        entity: 'project',
        key: {
          field: '_parent_reference_back_office',
          description: 'Parent project using ERP PK when adding/updating',
        },
      },
    },
    root_parent_id: {
      type: 'uuid',
      description: 'Reference to the root project of the hierarchy',
      ref: { entity: 'project' },
    },
    equipment_family_id: {
      type: 'uuid',
      description: 'Foreign key of the equipment family of the project',
      ref: {
        entity: 'equipment_family',
        key: {
          field: 'equipment_family_code',
          description: 'Embedded entity "equipment_family" using ERP PK when adding/updating',
        },
        embed: {
          field: 'equipment_family',
          description: 'Embedded entity "equipment_family" when adding/updating',
        },
      },
    },
    equipment_model_id: {
      type: 'uuid',
      description: 'Foreign key of the equipment model of the project',
      ref: {
        entity: 'equipment_model',
        key: {
          field: 'equipment_model_code',
          description: 'Embedded entity "equipment_model" using ERP PK when adding/updating',
        },
        embed: {
          field: 'equipment_model',
          description: 'Embedded entity "equipment_model" when adding/updating',
        },
      },
    },
    project_status_id: {
      type: 'uuid',
      description: 'Foreign key of the status of the project',
      ref: {
        entity: 'project_status',
        key: {
          field: 'project_status_code',
          description: 'Embedded entity "project_status" using ERP PK when adding/updating',
        },
        embed: {
          field: 'project_status',
          description: 'Embedded entity "project_status" when adding/updating',
        },
      },
    },
    company_id: {
      type: 'uuid',
      description: 'Foreign key of the customer company of the project',
      ref: {
        entity: 'company',
        key: {
          field: 'company_code',
          description: 'Embedded entity "company" using ERP PK when adding/updating',
        },
      },
    },
    db_address_id: {
      type: 'uuid',
      description: 'Foreign key of the address where the project is located',
      ref: {
        entity: 'db_address',
        key: {
          field: 'db_address_code',
          description: 'Embedded entity "db_address" using ERP PK when adding/updating',
        },
      },
    },
    location: { type: 'string', description: 'Location of the equipment at the address', maxLength: 255 },
    contact_id: {
      type: 'uuid',
      description: 'Foreign key of the main contact of the project',
      ref: {
        entity: 'contact',
        key: {
          field: 'contact_reference_back_office',
          description: 'Embedded entity "contact" using ERP PK when adding/updating',
        },
      },
    },
    owner_user_id: {
      type: 'uuid',
      description: 'Foreign key of the user owning the project',
      ref: { entity: 'user' },
    },
    name: { type: 'string', description: 'Name of the project', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the project', maxLength: 255 },
    reference_back_office: {
      type: 'string',
      description: 'Field used for Embedded entity (store there your ERP PK)',
      maxLength: 50,
    },
    serial_number: { type: 'string', description: 'Serial number of the equipment', maxLength: 255 },
    barcode: { type: 'string', description: 'Barcode of the equipment', maxLength: 255 },
    date_start_production: { type: 'datetime', description: 'Date the equipment started production' },
    date_create: { type: 'datetime', description: 'Creation date+time', system: 'created' },
    date_update: { type: 'datetime', description: 'Update date+time', system: 'updated' },
    updated_by_user_id: {
      type: 'uuid',
      description: 'Foreign key of the user who last updated the project',
      ref: { entity: 'user' },
    },
    customer_reference: {
      type: 'string',
      description: 'Reference of this project for the customer',
      maxLength: 50,
    },
    warranty_date_until: { type: 'datetime', description: 'End date of the warranty of the equipment' },
    last_standard_result_score_1: {
      type: 'string',
      description: 'Last standard result score 1',
      maxLength: 255,
    },
    last_standard_result_score_2: {
      type: 'string',
      description: 'Last standard result score 2',
      maxLength: 255,
    },
    target_standard_result_score_1: {
      type: 'string',
      description: 'Target standard result score 1',
      maxLength: 255,
    },
    target_standard_result_score_2: {
      type: 'string',
      description: 'Target standard result score 2',
      maxLength: 255,
    },
    date_built: { type: 'datetime', description: 'Date the equipment was built' },
    shutdown_consequence: {
      type: 'string',
      description: 'Consequence of a shutdown of the equipment',
      maxLength: 255,
    },
    id2: { type: 'integer', description: 'Internal ID (numeric)', system: 'autoNumber' },
    nb_open_jobs: { type: 'integer', description: 'Number of open jobs on the project (statistic)' },
    date_next_job: { type: 'datetime', description: 'Date of the next planned job (statistic)' },
    date_last_job: { type: 'datetime', description: 'Date of the last job (statistic)' },
    nb_jobs_planned: { type: 'integer', description: 'Number of planned jobs (statistic)' },
    nb_jobs_tobeplanned: { type: 'integer', description: 'Number of jobs to be planned (statistic)' },
    nb_jobs_waitingfurtheraction: {
      type: 'integer',
      description: 'Number of jobs waiting for further action (statistic)',
    },
    back_office_timestamp: { type: 'datetime', description: 'Timestamp of the record in the back office' },
    modified_dateutc: modifiedField,
    is_mobile_installation: { type: 'boolean', description: 'The equipment is mobile (no fixed address)' },
  },
});
